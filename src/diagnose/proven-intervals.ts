/**
 * Time a rule has proven belongs to a layer other than the one the exchange stage charged by
 * default: the SYN retries of an accept-queue overflow are the server OS's, a Nagle stall is the
 * writing app's, a closed receive window is the reading app's. Rules record the interval when
 * they see it in the packets; the engine re-charges the phases of the connection's exchanges that
 * overlap it (recharge-phases.ts).
 */
import type { PhaseName } from "../exchange/types.ts";
import type { Layer } from "../model/finding.ts";

export interface ProvenInterval {
  /** Milliseconds since the capture's first packet. */
  startMs: number;
  endMs: number;
  layer: Layer;
  kind: string;
  /** Re-charge only phases of this name (a sender's idle gap proves its own message's time). */
  phase?: PhaseName;
}

/**
 * Intervals kept per connection: the most recent ones (an exchange is re-charged when it is
 * complete, so it overlaps the connection's latest intervals). A connection with more stalls than
 * this forgets its oldest, which only exchanges emitted long after their start could still need.
 */
export const INTERVALS_PER_CONNECTION = 256;

/**
 * One connection's intervals in the order they were added (the order re-charging applies them),
 * with the latest end among each entry and those before it, so that an exchange skips at once the
 * prefix that ended before it began instead of walking every interval of a long session.
 */
export class ConnectionIntervals {
  /** Live entries are list[head..]; the consumed front is cut off in batches. */
  readonly list: ProvenInterval[] = [];
  /** maxEndMs[i]: the latest endMs of list[head..i]'s entries and those evicted before them. */
  private readonly maxEndMs: number[] = [];
  head = 0;

  get length(): number {
    return this.list.length - this.head;
  }

  last(): ProvenInterval | undefined {
    return this.list.length > this.head ? this.list[this.list.length - 1] : undefined;
  }

  push(interval: ProvenInterval): void {
    const n = this.list.length;
    const before = n > this.head ? this.maxEndMs[n - 1]! : Number.NEGATIVE_INFINITY;
    this.list.push(interval);
    this.maxEndMs.push(Math.max(before, interval.endMs));
    if (this.length > INTERVALS_PER_CONNECTION) {
      this.head++;
      if (this.head >= INTERVALS_PER_CONNECTION) {
        this.list.splice(0, this.head);
        this.maxEndMs.splice(0, this.head);
        this.head = 0;
      }
    }
  }

  pop(): void {
    if (this.list.length <= this.head) return;
    this.list.pop();
    this.maxEndMs.pop();
  }

  /** The last entry's endMs changed (merged into, or cut back). */
  endChanged(): void {
    const n = this.list.length;
    if (n <= this.head) return;
    const before = n - 1 > this.head ? this.maxEndMs[n - 2]! : Number.NEGATIVE_INFINITY;
    this.maxEndMs[n - 1] = Math.max(before, this.list[n - 1]!.endMs);
  }

  /**
   * Index in `list` of the first entry that may overlap time after `fromMs`: every entry before it,
   * and every one before them, ended by then. list.length when none.
   */
  firstEndingAfter(fromMs: number): number {
    let lo = this.head;
    let hi = this.list.length;
    const maxEnd = this.maxEndMs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (maxEnd[mid]! > fromMs) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export class ProvenIntervals {
  private readonly byConnection = new Map<number, ConnectionIntervals>();

  add(
    connection: number,
    startMs: number,
    endMs: number,
    layer: Layer,
    kind: string,
    phase?: PhaseName,
  ): void {
    if (!(endMs > startMs)) return;
    let set = this.byConnection.get(connection);
    if (set === undefined) {
      set = new ConnectionIntervals();
      this.byConnection.set(connection, set);
    }
    const last = set.last();
    if (last !== undefined && last.layer === layer && last.kind === kind && startMs <= last.endMs) {
      // Back-to-back stalls of one cause (a window-bound transfer) are one interval.
      if (endMs > last.endMs) {
        last.endMs = endMs;
        set.endChanged();
      }
      return;
    }
    set.push(
      phase === undefined
        ? { startMs, endMs, layer, kind }
        : { startMs, endMs, layer, kind, phase },
    );
  }

  /** Takes back an interval just added (a retransmission that D-SACK showed was spurious). */
  retract(connection: number, startMs: number, endMs: number, kind: string): void {
    const set = this.byConnection.get(connection);
    const last = set?.last();
    if (last === undefined || last.kind !== kind) return;
    if (last.startMs === startMs && last.endMs === endMs) set!.pop();
    else if (last.endMs === endMs && last.startMs < startMs) {
      last.endMs = startMs;
      set!.endChanged();
    }
  }

  /** The connection's intervals, oldest first (a copy). */
  of(connection: number): readonly ProvenInterval[] | undefined {
    const set = this.byConnection.get(connection);
    return set?.list.slice(set.head);
  }

  intervalsOf(connection: number): ConnectionIntervals | undefined {
    return this.byConnection.get(connection);
  }

  release(connection: number): void {
    this.byConnection.delete(connection);
  }
}
