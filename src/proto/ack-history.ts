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

/** Entries allocated at a direction's first ACK; most connections never need more. */
const INITIAL_ENTRIES = 8;
/** Doubles per entry: offset, frame, time. */
const STRIDE = 3;
const NO_ENTRIES = new Float64Array(0);

export class AckHistory {
  /**
   * Entries interleaved (offset, frame, time), one allocation per direction, grown by doubling up
   * to ACK_HISTORY_CAPACITY: a connection of a few requests never pays for the full ring.
   */
  private entries: Float64Array = NO_ENTRIES;
  /** Entries `entries` holds room for. */
  private capacity = 0;
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
      // Until the ring is full nothing was evicted: start is 0 and entries are in order.
      if (this.count === this.capacity) this.grow();
      at = this.count;
      this.count++;
    } else {
      at = this.start;
      this.start = (this.start + 1) % ACK_HISTORY_CAPACITY;
    }
    const e = this.entries;
    const i = at * STRIDE;
    e[i] = ackOffsetBytes;
    e[i + 1] = frame;
    e[i + 2] = timeMs;
  }

  private grow(): void {
    const capacity =
      this.capacity === 0 ? INITIAL_ENTRIES : Math.min(ACK_HISTORY_CAPACITY, this.capacity * 2);
    const grown = new Float64Array(capacity * STRIDE);
    grown.set(this.entries);
    this.entries = grown;
    this.capacity = capacity;
  }

  /**
   * The first ACK that acknowledged every byte before `endOffsetBytes` (i.e. covered the byte
   * endOffsetBytes − 1). Fills `out` and returns true; false when no ACK covered it yet, or the
   * covering ACK fell out of the ring.
   */
  covering(endOffsetBytes: number, out: AckPoint): boolean {
    if (this.count === 0 || this.lastOffsetBytes < endOffsetBytes) return false;
    const e = this.entries;
    // Offsets increase through the ring: binary search for the first entry >= endOffsetBytes.
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[((this.start + mid) % ACK_HISTORY_CAPACITY) * STRIDE] >= endOffsetBytes) hi = mid;
      else lo = mid + 1;
    }
    // The oldest entry may cover the byte only because earlier advances were evicted.
    if (lo === 0 && this.count === ACK_HISTORY_CAPACITY) return false;
    const i = ((this.start + lo) % ACK_HISTORY_CAPACITY) * STRIDE;
    out.ackOffsetBytes = e[i];
    out.frame = e[i + 1];
    out.timeMs = e[i + 2];
    return true;
  }
}
