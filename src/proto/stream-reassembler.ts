/**
 * TCP stream reassembly for the protocol parsers: delivers each direction's bytes once, in
 * sequence order, through retransmissions, overlaps, reordering and bytes the capture missed.
 *
 * - In-order payload is passed on as the packet's own view (no copy), or as a range of the
 *   packet's bytes to a consumer that takes ranges (onSegmentRange → onDataRange: no view is made).
 * - A segment beyond a hole is copied and waits, at most MAX_PENDING_BYTES per direction; past
 *   that the hole is declared a gap (the receiver's buffer bounds real reordering too).
 * - A hole becomes a gap as soon as the evidence says the bytes will never be seen: the peer
 *   ACKed past them (the receiver has them, so nobody will resend them: Wireshark's "ACKed
 *   unseen segment"), the buffer limit is hit, the stream ends (FIN, RST, close) with data
 *   still waiting, or the FIN's sequence number says bytes were sent that we never saw.
 * - Overlapping bytes are delivered once: the first copy seen wins (the receiver keeps the first
 *   copy too; RFC 9293 §3.10.7.4 trims segments to the receive window's left edge).
 *
 * All sequence arithmetic is modulo 2^32 (src/tcp/seq32.ts); stream offsets are plain numbers,
 * so a stream longer than 4 GiB keeps counting.
 */
import { seqAdd, seqDiff } from "../tcp/seq32.ts";
import type { AckPoint } from "./ack-history.ts";
import { DirectionStream, type PendingSegment } from "./direction-stream.ts";
import type { StreamConsumer, StreamDir, StreamEndReason, TcpStreamInput } from "./types.ts";

/**
 * Out-of-order bytes held per direction before the hole in front of them is declared a gap.
 * 1 MiB: above Linux's default initial receive window (tcp_rmem default 128 KiB, net.ipv4.tcp_rmem)
 * and well above what reordering on a real path leaves outstanding; it bounds memory per flow.
 */
export const MAX_PENDING_BYTES = 1 << 20;

/** The largest receive window TCP can advertise: 65535 << 14, about 2^30 (RFC 7323 §2.3). */
const MAX_WINDOW_BYTES = 1 << 30;

export class StreamReassembler implements TcpStreamInput {
  readonly dirs: readonly [DirectionStream, DirectionStream] = [
    new DirectionStream(),
    new DirectionStream(),
  ];
  private readonly consumer: StreamConsumer;
  /** The consumer takes ranges of the packet's bytes (onDataRange): no view per delivery. */
  private readonly ranged: boolean;
  private readonly maxPendingBytes: number;

  constructor(consumer: StreamConsumer, maxPendingBytes = MAX_PENDING_BYTES) {
    this.consumer = consumer;
    this.ranged = typeof consumer.onDataRange === "function";
    this.maxPendingBytes = maxPendingBytes;
  }

  onSyn(dir: StreamDir, isn: number): void {
    const d = this.dirs[dir];
    // A retransmitted SYN carries the same ISN; a SYN after data has started is ignored. Before
    // any data, a SYN with another ISN (a new attempt on the same ports) replaces the anchor.
    if (d.anchored && !d.untouched) return;
    d.anchor(seqAdd(isn, 1));
  }

  onSegment(
    dir: StreamDir,
    seq: number,
    payload: Uint8Array,
    frame: number,
    timeMs: number,
    wireLenBytes = payload.length,
  ): void {
    this.onSegmentRange(dir, seq, payload, 0, payload.length, frame, timeMs, wireLenBytes);
  }

  /**
   * onSegment for the payload bytes[start, end) of a packet's own buffer, so that the caller
   * makes no view per segment. `wireLenBytes` as in onSegment (end − start when nothing was cut).
   */
  onSegmentRange(
    dir: StreamDir,
    seq: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    frame: number,
    timeMs: number,
    wireLenBytes: number,
  ): void {
    const d = this.dirs[dir];
    if (d.ended || !this.consumer.wantsData) return;
    d.lastFrame = frame;
    d.lastTimeMs = timeMs;
    const len = Math.max(wireLenBytes, end - start);
    if (len === 0) return;
    if (!d.anchored) d.anchor(seq);
    else if (d.untouched && seq !== d.nextSeq) {
      // The first data is before the SYN's anchor or beyond any possible window: the anchor came
      // from a stale SYN (captures with two SYN/ACKs of different ISNs exist).
      const distance = seqDiff(d.nextSeq, seq);
      if (distance < 0 || distance > MAX_WINDOW_BYTES) d.anchor(seq);
    }
    const offset = d.nextOffsetBytes + seqDiff(d.nextSeq, seq);
    if (offset + len <= d.nextOffsetBytes) return; // all seen before: a retransmission
    if (d.finOffsetBytes >= 0 && offset >= d.finOffsetBytes) return; // data after the FIN
    if (offset > d.nextOffsetBytes) {
      if (d.acks.lastOffsetBytes < offset) {
        this.hold(d, offset, bytes, start, end, len, frame, timeMs);
        while (d.pendingBytes > this.maxPendingBytes && d.pending.length > 0 && !d.ended) {
          d.overflowGapCount++;
          this.skipTo(dir, d, d.pending[0].offsetBytes, frame, timeMs);
        }
        return;
      }
      // The peer already acknowledged the bytes in front of this segment: the capture lost them.
      this.skipTo(dir, d, offset, frame, timeMs);
      if (d.ended || !this.consumer.wantsData) return;
    }
    this.deliverSegment(dir, d, offset, bytes, start, end, len, frame, timeMs);
    this.drain(dir, d);
  }

  /**
   * The stream offset of `seq` when a segment of `dir` starting there is simply the next bytes
   * (the direction is open, nothing waits behind a hole, no FIN yet), else -1. With advance(), a
   * consumer that only counts the bytes (an HTTP body) takes them without onSegmentRange's
   * delivery chain: the same bookkeeping, the same consumer call.
   */
  inOrderOffset(dir: StreamDir, seq: number): number {
    const d = this.dirs[dir];
    if (!d.anchored || d.ended || d.pending.length > 0 || d.finOffsetBytes >= 0) return -1;
    return seq === d.nextSeq ? d.nextOffsetBytes : -1;
  }

  /** Takes `len` bytes at the in-order edge (inOrderOffset) as delivered to the consumer. */
  advance(dir: StreamDir, len: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    d.lastFrame = frame;
    d.lastTimeMs = timeMs;
    d.nextOffsetBytes += len;
    d.nextSeq = seqAdd(d.nextSeq, len);
    d.deliveredBytes += len;
  }

  /**
   * Delivers the part beyond the in-order edge of a segment at `offset`, captured as
   * bytes[start, end); a cut tail is a gap.
   */
  private deliverSegment(
    dir: StreamDir,
    d: DirectionStream,
    offset: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    wireLen: number,
    frame: number,
    timeMs: number,
  ): void {
    const from = d.nextOffsetBytes - offset;
    if (from < end - start) this.deliver(dir, d, bytes, start + from, end, frame, timeMs);
    if (wireLen > end - start && !d.ended && this.consumer.wantsData) {
      this.skipTo(dir, d, offset + wireLen, frame, timeMs);
    }
  }

  onAck(dir: StreamDir, ack: number, frame: number, timeMs: number): void {
    const o = this.dirs[dir === 0 ? 1 : 0];
    if (!o.anchored) return;
    let ackOffset = o.nextOffsetBytes + seqDiff(o.nextSeq, ack);
    // The FIN occupies one sequence number after the last byte (RFC 9293 §3.4).
    if (o.finOffsetBytes >= 0 && ackOffset > o.finOffsetBytes) ackOffset = o.finOffsetBytes;
    if (ackOffset <= o.acks.lastOffsetBytes) return;
    o.acks.add(ackOffset, frame, timeMs);
    if (o.ended || !this.consumer.wantsData) return;
    const oDir: StreamDir = dir === 0 ? 1 : 0;
    // Bytes acknowledged but never captured while later bytes wait: declare the hole now.
    while (o.pending.length > 0 && ackOffset > o.nextOffsetBytes && !o.ended) {
      this.skipTo(oDir, o, Math.min(ackOffset, o.pending[0].offsetBytes), frame, timeMs);
    }
  }

  onFin(dir: StreamDir, seq: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    if (d.ended) return;
    d.lastFrame = frame;
    d.lastTimeMs = timeMs;
    if (!d.anchored) d.anchor(seq);
    if (d.finOffsetBytes < 0) {
      const finOffset = d.nextOffsetBytes + seqDiff(d.nextSeq, seq);
      // A FIN behind bytes already delivered is a stale retransmission; keep the stream open.
      if (finOffset < d.nextOffsetBytes) return;
      d.finOffsetBytes = finOffset;
    }
    if (d.nextOffsetBytes >= d.finOffsetBytes) this.end(dir, d, "fin", frame, timeMs);
  }

  onRst(dir: StreamDir, frame: number, timeMs: number): void {
    for (const i of [0, 1] as const) this.finish(i, "rst", frame, timeMs);
    void dir;
  }

  close(frame: number, timeMs: number): void {
    for (const i of [0, 1] as const) {
      const d = this.dirs[i];
      // A FIN whose bytes never all arrived still ends the direction as a FIN.
      this.finish(i, d.finOffsetBytes >= 0 ? "fin" : "close", frame, timeMs);
    }
  }

  /**
   * The ACK (from the other direction) that first covered the bytes of `dataDir` before
   * `endOffsetBytes`. Returns false when none did yet, or it is older than the history kept.
   */
  ackCovering(dataDir: StreamDir, endOffsetBytes: number, out: AckPoint): boolean {
    return this.dirs[dataDir].acks.covering(endOffsetBytes, out);
  }

  /** Delivers what is waiting (declaring the holes as gaps) and ends the direction. */
  private finish(dir: StreamDir, reason: StreamEndReason, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    if (d.ended) return;
    if (this.consumer.wantsData) {
      while (d.pending.length > 0 && !d.ended) {
        this.skipTo(dir, d, d.pending[0].offsetBytes, d.pending[0].frame, d.pending[0].timeMs);
      }
      // The FIN's sequence number proves bytes were sent up to it.
      if (!d.ended && d.finOffsetBytes > d.nextOffsetBytes) {
        this.skipTo(dir, d, d.finOffsetBytes, frame, timeMs);
      }
    }
    if (!d.ended) this.end(dir, d, reason, frame, timeMs);
  }

  /** Delivers bytes[start, end), the next bytes of the stream (up to the FIN). */
  private deliver(
    dir: StreamDir,
    d: DirectionStream,
    bytes: Uint8Array,
    start: number,
    end: number,
    frame: number,
    timeMs: number,
  ): void {
    let len = end - start;
    if (d.finOffsetBytes >= 0 && d.nextOffsetBytes + len > d.finOffsetBytes) {
      len = Math.max(0, d.finOffsetBytes - d.nextOffsetBytes);
      end = start + len;
    }
    if (len > 0) {
      const offset = d.nextOffsetBytes;
      d.nextOffsetBytes += len;
      d.nextSeq = seqAdd(d.nextSeq, len);
      d.deliveredBytes += len;
      const consumer = this.consumer;
      if (this.ranged) {
        (consumer as Required<StreamConsumer>).onDataRange(
          dir,
          bytes,
          start,
          end,
          offset,
          frame,
          timeMs,
        );
      } else {
        // The usual in-order segment is passed on as it came: a subarray would allocate a view.
        const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
        consumer.onData(dir, view, offset, frame, timeMs);
      }
    }
    if (d.finOffsetBytes >= 0 && d.nextOffsetBytes >= d.finOffsetBytes && !d.ended) {
      this.end(dir, d, "fin", frame, timeMs);
    }
  }

  /** Delivers waiting segments that the in-order edge has reached. */
  private drain(dir: StreamDir, d: DirectionStream): void {
    while (d.pending.length > 0 && !d.ended && this.consumer.wantsData) {
      const p = d.pending[0];
      if (p.offsetBytes > d.nextOffsetBytes) return;
      d.pending.shift();
      d.pendingBytes -= p.bytes.length;
      if (p.offsetBytes + p.wireLenBytes > d.nextOffsetBytes) {
        const b = p.bytes;
        this.deliverSegment(
          dir,
          d,
          p.offsetBytes,
          b,
          0,
          b.length,
          p.wireLenBytes,
          p.frame,
          p.timeMs,
        );
      }
    }
  }

  /** Declares [next, target) a gap, then delivers whatever waits behind it. */
  private skipTo(
    dir: StreamDir,
    d: DirectionStream,
    targetOffset: number,
    frame: number,
    timeMs: number,
  ): void {
    const len = targetOffset - d.nextOffsetBytes;
    if (len > 0) {
      const offset = d.nextOffsetBytes;
      d.nextOffsetBytes = targetOffset;
      d.nextSeq = seqAdd(d.nextSeq, len);
      d.gapBytes += len;
      d.gapCount++;
      this.consumer.onGap(dir, offset, len, frame, timeMs);
      if (d.finOffsetBytes >= 0 && d.nextOffsetBytes >= d.finOffsetBytes && !d.ended) {
        this.end(dir, d, "fin", frame, timeMs);
        return;
      }
    }
    this.drain(dir, d);
  }

  private hold(
    d: DirectionStream,
    offset: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    wireLenBytes: number,
    frame: number,
    timeMs: number,
  ): void {
    // A copy: the packet's buffer is reused after the call (Buffer#slice would only be a view).
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(start, end));
    const segment: PendingSegment = {
      offsetBytes: offset,
      bytes: copy,
      wireLenBytes,
      frame,
      timeMs,
    };
    const pending = d.pending;
    let i = pending.length;
    while (i > 0 && pending[i - 1].offsetBytes > offset) i--;
    pending.splice(i, 0, segment);
    d.pendingBytes += end - start;
    if (d.pendingBytes > d.peakPendingBytes) d.peakPendingBytes = d.pendingBytes;
  }

  private end(
    dir: StreamDir,
    d: DirectionStream,
    reason: StreamEndReason,
    frame: number,
    timeMs: number,
  ): void {
    d.ended = true;
    d.pending.length = 0;
    d.pendingBytes = 0;
    this.consumer.onEnd(dir, reason, d.nextOffsetBytes, frame, timeMs);
  }
}
