/**
 * The N slowest exchanges in a min-heap keyed by duration: memory is N exchanges whatever the
 * capture holds (or every exchange, when the caller asked for all of them).
 */
import type { Exchange } from "../exchange/types.ts";

export class SlowestExchanges {
  private readonly heap: Exchange[] = [];
  private readonly limit: number;
  /** Exchanges offered beyond the ones kept. */
  dropped = 0;

  /** `limit` = Infinity keeps every exchange. */
  constructor(limit: number) {
    this.limit = limit;
  }

  offer(exchange: Exchange): void {
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(exchange);
      this.up(heap.length - 1);
      return;
    }
    this.dropped++;
    if (heap.length === 0 || exchange.durationMs <= heap[0]!.durationMs) return;
    heap[0] = exchange;
    this.down(0);
  }

  /** Slowest first; ties in order of the request's start. */
  sorted(): Exchange[] {
    return [...this.heap].sort(
      (a, b) => b.durationMs - a.durationMs || a.startMs - b.startMs || a.id - b.id,
    );
  }

  private up(at: number): void {
    const heap = this.heap;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.durationMs <= heap[at]!.durationMs) return;
      [heap[parent], heap[at]] = [heap[at]!, heap[parent]!];
      at = parent;
    }
  }

  private down(at: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < heap.length && heap[left]!.durationMs < heap[least]!.durationMs) least = left;
      if (right < heap.length && heap[right]!.durationMs < heap[least]!.durationMs) least = right;
      if (least === at) return;
      [heap[least], heap[at]] = [heap[at]!, heap[least]!];
      at = least;
    }
  }
}
