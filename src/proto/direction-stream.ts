/**
 * Reassembly state of one direction of a TCP connection: where the in-order stream stands, the
 * segments that arrived ahead of a hole (copied, bounded), the FIN, and the peer's ACKs.
 */
import { AckHistory } from "./ack-history.ts";

/** A segment that arrived before the bytes preceding it: its payload copied out of the packet. */
export interface PendingSegment {
  offsetBytes: number;
  bytes: Uint8Array;
  /** Bytes the segment held on the wire; more than bytes.length when the snaplen cut it. */
  wireLenBytes: number;
  frame: number;
  timeMs: number;
}

export class DirectionStream {
  /** Byte 0 is known (from the SYN, else the first segment seen). */
  anchored = false;
  /** Sequence number and stream offset of the next byte to deliver. */
  nextSeq = 0;
  nextOffsetBytes = 0;
  /** Stream offset of the FIN, -1 until a FIN is seen. */
  finOffsetBytes = -1;
  ended = false;
  /** Segments waiting for a hole to fill, sorted by offset. */
  readonly pending: PendingSegment[] = [];
  pendingBytes = 0;
  /** Highest number of bytes held in `pending` at once. */
  peakPendingBytes = 0;
  /** Bytes the capture never saw, and in how many holes. */
  gapBytes = 0;
  gapCount = 0;
  /** Holes declared because out-of-order data exceeded the buffer limit. */
  overflowGapCount = 0;
  /** Bytes delivered in order. */
  deliveredBytes = 0;
  /** The peer's ACKs of this direction's bytes. */
  readonly acks = new AckHistory();
  /** Frame and time of the last segment of this direction (for gap and end events). */
  lastFrame = 0;
  lastTimeMs = 0;

  /** No byte of this direction has been delivered, held or declared missing yet. */
  get untouched(): boolean {
    return this.deliveredBytes === 0 && this.gapBytes === 0 && this.pending.length === 0;
  }

  anchor(seq: number): void {
    this.anchored = true;
    this.nextSeq = seq >>> 0;
    this.nextOffsetBytes = 0;
  }
}
