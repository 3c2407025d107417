/**
 * A first-in first-out queue whose shift is O(1) amortized however long it grows: a head index
 * into an array, the consumed front cut off once it is at least half the array. Array#shift
 * moves every element once the array is large (V8 can trim the front in place only of small
 * arrays), so a queue that a long session keeps full (a client pipelining far ahead of its
 * answers) cost time growing with its length per request. Memory follows the live entries.
 */
export class FifoQueue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Array slots held, consumed ones not yet cut off included (for tests of the bound). */
  get capacity(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest entry, undefined when empty. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the oldest entry, undefined when empty. */
  shift(): T | undefined {
    const items = this.items;
    if (this.head >= items.length) return undefined;
    const item = items[this.head]!;
    items[this.head] = undefined as T;
    this.head++;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}
