/**
 * The segments one direction has sent that the other has not yet acknowledged (Wireshark's
 * per-flow `segments` list), kept in one growable Float64Array (five numbers per segment) so that
 * tracking them allocates only when the list outgrows its buffer, and a connection carries one
 * typed array per direction rather than five (each typed array is two heap objects the garbage
 * collector copies while the connection is young). Bounded: past MAX_UNACKED_SEGMENTS new
 * segments are not tracked, as Wireshark stops at TCP_MAX_UNACKED_SEGMENTS (1000) when the ACKs
 * are not captured.
 */

import { TcpFlag } from "../decode/types.ts";
import { primeDoubleFields } from "./double-fields.ts";
import type { RttStats } from "./rtt-stats.ts";
import type { Segment } from "./segment.ts";
import { seqGt, seqLe } from "./seq32.ts";

/** Wireshark packet-tcp.c TCP_MAX_UNACKED_SEGMENTS. */
export const MAX_UNACKED_SEGMENTS = 1000;

const INITIAL_CAPACITY = 4;

// Layout of one segment in `entries`.
const STRIDE = 5;
const SEQ = 0;
const NEXT_SEQ = 1;
const FRAME = 2;
const TIME_NS = 3;
/** 1 when the range was sent more than once: an ACK of it gives no RTT sample (Karn). */
const AMBIGUOUS = 4;

const EMPTY = new Float64Array(0);

export class UnackedSegments {
  count = 0;
  /** STRIDE numbers per segment: seq, nextSeq (both uint32, exact in a double), frame, timeNs, ambiguous. */
  private entries: Float64Array = new Float64Array(INITIAL_CAPACITY * STRIDE);
  /**
   * spanBytes()'s fold (earliest seq, latest nextSeq, in list order), kept up to date by add():
   * appending continues the fold exactly, so it is recomputed only after a removal or a trim
   * reorders or changes the list. Every data segment asks for it; ACKs change the list less often.
   */
  private spanValid = false;
  private spanFirst = 0;
  private spanLast = 0;

  seqAt(i: number): number {
    return this.entries[i * STRIDE + SEQ];
  }

  nextSeqAt(i: number): number {
    return this.entries[i * STRIDE + NEXT_SEQ];
  }

  frameAt(i: number): number {
    return this.entries[i * STRIDE + FRAME];
  }

  timeNsAt(i: number): number {
    return this.entries[i * STRIDE + TIME_NS];
  }

  isAmbiguous(i: number): boolean {
    return this.entries[i * STRIDE + AMBIGUOUS] !== 0;
  }

  add(seq: number, nextSeq: number, frame: number, timeNs: number, ambiguous: boolean): boolean {
    if (this.count >= MAX_UNACKED_SEGMENTS) return false;
    if ((this.count + 1) * STRIDE > this.entries.length) this.grow();
    const i = this.count++;
    const e = this.entries;
    const o = i * STRIDE;
    e[o + SEQ] = seq;
    e[o + NEXT_SEQ] = nextSeq;
    e[o + FRAME] = frame;
    e[o + TIME_NS] = timeNs;
    e[o + AMBIGUOUS] = ambiguous ? 1 : 0;
    if (i === 0) {
      this.spanFirst = seq;
      this.spanLast = nextSeq;
      this.spanValid = true;
    } else if (this.spanValid) {
      if (seqLe(seq, this.spanFirst)) this.spanFirst = seq;
      if (seqGt(nextSeq, this.spanLast)) this.spanLast = nextSeq;
    }
    return true;
  }

  /** Moves the start of entry `i` up to `seq` (the entry was partly acknowledged). */
  trimStart(i: number, seq: number): void {
    this.entries[i * STRIDE + SEQ] = seq;
    this.spanValid = false;
  }

  /** Marks every tracked segment overlapping [seq, nextSeq) as sent twice. */
  markRetransmitted(seq: number, nextSeq: number): void {
    const e = this.entries;
    for (let o = 0; o < this.count * STRIDE; o += STRIDE) {
      if (seqGt(nextSeq, e[o + SEQ]) && seqGt(e[o + NEXT_SEQ], seq)) e[o + AMBIGUOUS] = 1;
    }
  }

  /**
   * Applies the peer's cumulative ACK carried by `segment`: drops what it covers and trims what it
   * covers in part. A segment whose end it ACKs exactly gives `rtt` a sample, unless it was sent
   * twice (Karn) or `segment` carries no ACK flag. It takes the Segment, not its ACK number and
   * time: V8 boxes a double passed to a call it does not inline (one allocation each, for every
   * TCP packet).
   */
  acknowledge(segment: Segment, rtt: RttStats): void {
    if (this.count === 0) return;
    const ack = segment.ack;
    const hasAck = (segment.tcpFlags & TcpFlag.ACK) !== 0;
    const timeNs = segment.timeNs;
    for (let i = 0; i < this.count; ) {
      const segNext = this.nextSeqAt(i);
      if (ack === segNext) {
        if (hasAck && !this.isAmbiguous(i)) rtt.add(timeNs - this.timeNsAt(i));
        this.removeAt(i);
        continue;
      }
      const segSeq = this.seqAt(i);
      if (seqGt(ack, segSeq) && seqGt(segNext, ack)) {
        this.trimStart(i, ack); // partly acknowledged
        i++;
        continue;
      }
      if (seqGt(segNext, ack)) {
        i++;
        continue;
      }
      this.removeAt(i); // acknowledged earlier
    }
  }

  removeAt(i: number): void {
    const last = --this.count;
    this.spanValid = false;
    // Order does not matter to any reader (they scan the whole list), so move the last entry in.
    if (i !== last) this.entries.copyWithin(i * STRIDE, last * STRIDE, last * STRIDE + STRIDE);
  }

  /** Earliest send time among the tracked segments (Wireshark's RTO reference), -1 when empty. */
  oldestIndex(): number {
    let best = -1;
    for (let i = 0; i < this.count; i++) {
      if (best < 0 || this.frameAt(i) < this.frameAt(best)) best = i;
    }
    return best;
  }

  /** Sequence span covered by the tracked segments (Wireshark's payload-based bytes in flight). */
  spanBytes(): number {
    if (this.count === 0) return 0;
    if (!this.spanValid) {
      let first = this.seqAt(0);
      let last = this.nextSeqAt(0);
      for (let i = 1; i < this.count; i++) {
        if (seqLe(this.seqAt(i), first)) first = this.seqAt(i);
        if (seqGt(this.nextSeqAt(i), last)) last = this.nextSeqAt(i);
      }
      this.spanFirst = first;
      this.spanLast = last;
      this.spanValid = true;
    }
    return (this.spanLast - this.spanFirst) >>> 0;
  }

  clear(): void {
    this.count = 0;
    this.spanValid = false;
  }

  /** Drops the buffer of a finished connection. */
  release(): void {
    this.count = 0;
    this.spanValid = false;
    this.entries = EMPTY;
  }

  private grow(): void {
    const capacity = Math.min(
      (this.entries.length / STRIDE) * 2 || INITIAL_CAPACITY,
      MAX_UNACKED_SEGMENTS,
    );
    const entries = new Float64Array(capacity * STRIDE);
    entries.set(this.entries.subarray(0, this.count * STRIDE));
    this.entries = entries;
  }
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new UnackedSegments(), ["spanFirst", "spanLast"]);
