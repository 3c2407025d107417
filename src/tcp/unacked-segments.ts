/**
 * The segments one direction has sent that the other has not yet acknowledged (Wireshark's
 * per-flow `segments` list), kept in growable typed arrays so that tracking them allocates only
 * when the list outgrows its buffers. Bounded: past MAX_UNACKED_SEGMENTS new segments are not
 * tracked, as Wireshark stops at TCP_MAX_UNACKED_SEGMENTS (1000) when the ACKs are not captured.
 */
import { seqGt, seqLe } from "./seq32.ts";

/** Wireshark packet-tcp.c TCP_MAX_UNACKED_SEGMENTS. */
export const MAX_UNACKED_SEGMENTS = 1000;

const INITIAL_CAPACITY = 4;

export class UnackedSegments {
  count = 0;
  seq: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  nextSeq: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  frame: Float64Array = new Float64Array(INITIAL_CAPACITY);
  timeNs: Float64Array = new Float64Array(INITIAL_CAPACITY);
  /** 1 when the range was sent more than once: an ACK of it gives no RTT sample (Karn). */
  ambiguous: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  /**
   * spanBytes()'s fold (earliest seq, latest nextSeq, in list order), kept up to date by add():
   * appending continues the fold exactly, so it is recomputed only after a removal or a trim
   * reorders or changes the list. Every data segment asks for it; ACKs change the list less often.
   */
  private spanValid = false;
  private spanFirst = 0;
  private spanLast = 0;

  add(seq: number, nextSeq: number, frame: number, timeNs: number, ambiguous: boolean): boolean {
    if (this.count >= MAX_UNACKED_SEGMENTS) return false;
    if (this.count === this.seq.length) this.grow();
    const i = this.count++;
    this.seq[i] = seq;
    this.nextSeq[i] = nextSeq;
    this.frame[i] = frame;
    this.timeNs[i] = timeNs;
    this.ambiguous[i] = ambiguous ? 1 : 0;
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
    this.seq[i] = seq;
    this.spanValid = false;
  }

  /** Marks every tracked segment overlapping [seq, nextSeq) as sent twice. */
  markRetransmitted(seq: number, nextSeq: number): void {
    for (let i = 0; i < this.count; i++) {
      if (seqGt(nextSeq, this.seq[i]) && seqGt(this.nextSeq[i], seq)) this.ambiguous[i] = 1;
    }
  }

  removeAt(i: number): void {
    const last = --this.count;
    this.spanValid = false;
    // Order does not matter to any reader (they scan the whole list), so move the last entry in.
    if (i !== last) {
      this.seq[i] = this.seq[last];
      this.nextSeq[i] = this.nextSeq[last];
      this.frame[i] = this.frame[last];
      this.timeNs[i] = this.timeNs[last];
      this.ambiguous[i] = this.ambiguous[last];
    }
  }

  /** Earliest send time among the tracked segments (Wireshark's RTO reference), -1 when empty. */
  oldestIndex(): number {
    let best = -1;
    for (let i = 0; i < this.count; i++) {
      if (best < 0 || this.frame[i] < this.frame[best]) best = i;
    }
    return best;
  }

  /** Sequence span covered by the tracked segments (Wireshark's payload-based bytes in flight). */
  spanBytes(): number {
    if (this.count === 0) return 0;
    if (!this.spanValid) {
      let first = this.seq[0];
      let last = this.nextSeq[0];
      for (let i = 1; i < this.count; i++) {
        if (seqLe(this.seq[i], first)) first = this.seq[i];
        if (seqGt(this.nextSeq[i], last)) last = this.nextSeq[i];
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

  /** Drops the buffers of a finished connection. */
  release(): void {
    this.count = 0;
    this.spanValid = false;
    this.seq = EMPTY_U32;
    this.nextSeq = EMPTY_U32;
    this.frame = EMPTY_F64;
    this.timeNs = EMPTY_F64;
    this.ambiguous = EMPTY_U8;
  }

  private grow(): void {
    const cap = Math.min(this.seq.length * 2 || INITIAL_CAPACITY, MAX_UNACKED_SEGMENTS);
    const seq = new Uint32Array(cap);
    seq.set(this.seq);
    this.seq = seq;
    const next = new Uint32Array(cap);
    next.set(this.nextSeq);
    this.nextSeq = next;
    const frame = new Float64Array(cap);
    frame.set(this.frame);
    this.frame = frame;
    const time = new Float64Array(cap);
    time.set(this.timeNs);
    this.timeNs = time;
    const amb = new Uint8Array(cap);
    amb.set(this.ambiguous);
    this.ambiguous = amb;
  }
}

const EMPTY_U32 = new Uint32Array(0);
const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);
