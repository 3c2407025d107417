/**
 * A set of exchange ids as a bitmap (ids are dense, 0..n−1): one bit per exchange, so marking
 * the slow ones of a million-exchange capture costs 125 KB, not a Set of numbers.
 */
export class ExchangeMarks {
  private bits = new Uint8Array(1024);
  count = 0;

  get bytes(): Uint8Array {
    return this.bits;
  }

  mark(id: number): void {
    if (id < 0) return;
    const byte = id >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length * 2;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (id & 7);
    if ((this.bits[byte]! & bit) === 0) {
      this.bits[byte]! |= bit;
      this.count++;
    }
  }
}

/** How many ids at least one of the sets holds. */
export function unionCount(sets: readonly ExchangeMarks[]): number {
  if (sets.length === 1) return sets[0]!.count;
  let longest = 0;
  for (const set of sets) longest = Math.max(longest, set.bytes.length);
  let count = 0;
  for (let i = 0; i < longest; i++) {
    let byte = 0;
    for (const set of sets) byte |= set.bytes[i] ?? 0;
    while (byte !== 0) {
      byte &= byte - 1;
      count++;
    }
  }
  return count;
}
