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
 * Intervals kept per connection. A connection with more is one whose every later stall is
 * charged by the exchange stage's defaults: the cap bounds memory, the findings still count them.
 */
export const INTERVALS_PER_CONNECTION = 256;

export class ProvenIntervals {
  private readonly byConnection = new Map<number, ProvenInterval[]>();

  add(
    connection: number,
    startMs: number,
    endMs: number,
    layer: Layer,
    kind: string,
    phase?: PhaseName,
  ): void {
    if (!(endMs > startMs)) return;
    let list = this.byConnection.get(connection);
    if (list === undefined) {
      list = [];
      this.byConnection.set(connection, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined && last.layer === layer && last.kind === kind && startMs <= last.endMs) {
      // Back-to-back stalls of one cause (a window-bound transfer) are one interval.
      if (endMs > last.endMs) last.endMs = endMs;
      return;
    }
    if (list.length < INTERVALS_PER_CONNECTION) {
      list.push(
        phase === undefined
          ? { startMs, endMs, layer, kind }
          : { startMs, endMs, layer, kind, phase },
      );
    }
  }

  /** Takes back an interval just added (a retransmission that D-SACK showed was spurious). */
  retract(connection: number, startMs: number, endMs: number, kind: string): void {
    const list = this.byConnection.get(connection);
    const last = list?.[list.length - 1];
    if (last === undefined || last.kind !== kind) return;
    if (last.startMs === startMs && last.endMs === endMs) list!.pop();
    else if (last.endMs === endMs && last.startMs < startMs) last.endMs = startMs;
  }

  of(connection: number): readonly ProvenInterval[] | undefined {
    return this.byConnection.get(connection);
  }

  release(connection: number): void {
    this.byConnection.delete(connection);
  }
}
