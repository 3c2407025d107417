/**
 * When the receiver acknowledged a direction's bytes: the frames and times at which the peer's
 * cumulative ACK advanced, in stream offsets of the acknowledged direction. The exchange stage asks
 * "which ACK covered the last byte of the request" (server-side receipt at a client vantage).
 *
 * Bounded: a ring of the last ACK_HISTORY_CAPACITY advances. A query for an offset older than the
 * ring answers false rather than a wrong frame.
 */
import type { FrameTime } from "./types.ts";

/**
 * Advances kept per direction. ACKs of a direction advance only while that direction sends, so
 * for a request/response protocol this spans many requests; a bulk upload may outrun it, and then
 * only the recent part of the upload can be asked about.
 */
export const ACK_HISTORY_CAPACITY = 256;

/** An ACK point: the ACK that first covered a byte. */
export interface AckPoint extends FrameTime {
  /** Stream offset the ACK acknowledged up to (exclusive). */
  ackOffsetBytes: number;
}

export class AckHistory {
  private readonly offsets = new Float64Array(ACK_HISTORY_CAPACITY);
  private readonly times = new Float64Array(ACK_HISTORY_CAPACITY);
  private readonly frames = new Float64Array(ACK_HISTORY_CAPACITY);
  /** Index of the oldest entry and number of entries. */
  private start = 0;
  private count = 0;
  /** Highest offset acknowledged so far; -1 before the first ACK. */
  lastOffsetBytes = -1;

  /** Records an ACK covering bytes before `ackOffsetBytes`; ignored unless it advances. */
  add(ackOffsetBytes: number, frame: number, timeMs: number): void {
    if (ackOffsetBytes <= this.lastOffsetBytes) return;
    this.lastOffsetBytes = ackOffsetBytes;
    let at: number;
    if (this.count < ACK_HISTORY_CAPACITY) {
      at = (this.start + this.count) % ACK_HISTORY_CAPACITY;
      this.count++;
    } else {
      at = this.start;
      this.start = (this.start + 1) % ACK_HISTORY_CAPACITY;
    }
    this.offsets[at] = ackOffsetBytes;
    this.frames[at] = frame;
    this.times[at] = timeMs;
  }

  /**
   * The first ACK that acknowledged every byte before `endOffsetBytes` (i.e. covered the byte
   * endOffsetBytes − 1). Fills `out` and returns true; false when no ACK covered it yet, or the
   * covering ACK fell out of the ring.
   */
  covering(endOffsetBytes: number, out: AckPoint): boolean {
    if (this.count === 0 || this.lastOffsetBytes < endOffsetBytes) return false;
    // Offsets increase through the ring: binary search for the first entry >= endOffsetBytes.
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[(this.start + mid) % ACK_HISTORY_CAPACITY] >= endOffsetBytes) hi = mid;
      else lo = mid + 1;
    }
    // The oldest entry may cover the byte only because earlier advances were evicted.
    if (lo === 0 && this.count === ACK_HISTORY_CAPACITY) return false;
    const at = (this.start + lo) % ACK_HISTORY_CAPACITY;
    out.ackOffsetBytes = this.offsets[at];
    out.frame = this.frames[at];
    out.timeMs = this.times[at];
    return true;
  }
}
