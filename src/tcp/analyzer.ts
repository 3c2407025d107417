/**
 * The TCP analyzer: feed it every decoded packet in capture order (`onPacket`), then `finish()`.
 * It keeps one Connection per TCP connection in a numeric flow table, runs the segment
 * classifiers (analysis/) on each segment with Wireshark's definitions and precedence, and
 * gathers per-direction statistics, round trips, history and resets. A connection closed for good
 * is summarised and released a second after its last packet, leaving a small tombstone for its
 * late packets (tombstone.ts); idle ones are swept as the capture goes on, so memory follows the
 * number of open connections, not the size of the capture.
 *
 * Hot path: no allocation per packet (one Segment object is refilled; connection state lives in
 * preallocated class fields and growable typed arrays).
 */
import type { PacketRecord } from "../capture/types.ts";
import type { PacketView } from "../decode/types.ts";
import { TcpFlag } from "../decode/types.ts";
import {
  RETRANSMISSION_CLASSIFIERS_BY_SHAPE,
  SEGMENT_CLASSIFIERS_BY_SHAPE,
  segmentShape,
} from "./analysis/index.ts";
import { OUT_OF_ORDER_DEFAULT_LIMIT_NS } from "./analysis/out-of-order.ts";
import { tcpChecksumOk } from "./checksum.ts";
import { Connection, MAX_RESETS_KEPT, MAX_SYN_TIMES_KEPT } from "./connection.ts";
import { DirectionState, WindowScale } from "./direction-state.ts";
import { primeDoubleFields } from "./double-fields.ts";
import { EndpointState } from "./endpoint-state.ts";
import { ANY_RETRANSMISSION, AnalysisFlag } from "./flags.ts";
import { FlowSide, FlowTable, flowHash, flowSide, PacketTuple } from "./flow-table.ts";
import { HistoryLetter, isPowerOfTen } from "./history.ts";
import { type TcpLimits, TOMBSTONES_PER_CONNECTION } from "./limits.ts";
import { classifyReset } from "./resets.ts";
import { decideRoles } from "./roles.ts";
import { Segment } from "./segment.ts";
import { seqGe, seqGt } from "./seq32.ts";
import { buildSummary, captureVantage, summaryVantage } from "./summary.ts";
import { primeTombstone, TombBit, Tombstone } from "./tombstone.ts";
import {
  type ConnectionSummary,
  type ConnectionsResult,
  FLAG_COUNT_KEYS,
  flagCountsOf,
  type TcpAnalyzerOptions,
} from "./types.ts";
import { MAX_UNACKED_SEGMENTS } from "./unacked-segments.ts";

/**
 * Linux TCP_TIMEWAIT_LEN (include/net/tcp.h): 60 s. A closed connection's tombstone goes after
 * this long without a packet; so does a refused connection attempt (its client may retry the SYN
 * on the same tuple, as Windows does, and those SYNs are the same tcp.stream).
 */
export const CLOSED_LINGER_NS = 60e9;
/**
 * A closed connection keeps its state this long after its last packet, then gives it up for a
 * tombstone: the answers to a reset (the peer's own RST, its data still in flight) and the
 * handshake's retries after a refusal (Windows retries a refused SYN twice, 0.5 s apart) come
 * within it, and belong in the connection's summary.
 */
export const CLOSE_GRACE_NS = 1e9;
/**
 * A connection that never got an answer is done after this long idle: longer than Linux's whole
 * SYN retry schedule (tcp_syn_retries 6 → about 127 s).
 */
export const UNANSWERED_IDLE_NS = 180e9;
/** Any other connection idle this long is summarised (it stays in the table if it has traffic later). */
export const OPEN_IDLE_NS = 3600e9;
/** A queue is compacted once this many entries are gone from its head… */
const QUEUE_COMPACT_MIN = 1024;
/** …and they are more than 1/QUEUE_COMPACT_SHARE of it. */
const QUEUE_COMPACT_SHARE = 8;
/** The sweep of idle connections runs every this many TCP packets. */
const SWEEP_EVERY_PACKETS = 4096;
/** Checksums are verified on the first few segments of each direction only (vantage evidence). */
const CHECKSUM_SAMPLES_PER_DIRECTION = 4;
/**
 * Only small segments are checksummed (handshake, ACKs): offload leaves every outgoing segment
 * unchecksummed, so they show it as well as a 64 KiB one would, at a fraction of the cost.
 */
const CHECKSUM_MAX_PAYLOAD_BYTES = 256;
/** A sequence number this far from the expected one cannot be the same connection's data. */
const IMPOSSIBLE_SEQ_JUMP = 0x40000000;

const SYN_FIN = TcpFlag.SYN | TcpFlag.FIN;
const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/**
 * The AnalysisFlag bits counted, at their index in the flag count arrays (FLAG_COUNT_KEYS order);
 * the last index counts the TCP RST flag instead.
 */
const COUNTED_FLAGS: readonly number[] = [
  ANY_RETRANSMISSION,
  AnalysisFlag.FAST_RETRANSMISSION,
  AnalysisFlag.SPURIOUS_RETRANSMISSION,
  AnalysisFlag.DUPLICATE_ACK,
  AnalysisFlag.OUT_OF_ORDER,
  AnalysisFlag.LOST_SEGMENT,
  AnalysisFlag.ACKED_UNSEEN,
  AnalysisFlag.ZERO_WINDOW,
  AnalysisFlag.ZERO_WINDOW_PROBE,
  AnalysisFlag.WINDOW_FULL,
  AnalysisFlag.WINDOW_UPDATE,
  AnalysisFlag.KEEP_ALIVE,
];
const I_RESET = COUNTED_FLAGS.length;

function timeNsOf(record: PacketRecord, baseSec: number): number {
  return (record.tsSec - baseSec) * 1e9 + record.tsNsec;
}

function readWord(bytes: Uint8Array, o: number): number {
  return ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
}

export class TcpAnalyzer {
  private readonly table = new FlowTable<Connection>();
  private readonly seg = new Segment();
  /** The current packet's 4-tuple. */
  private readonly tuple = new PacketTuple();
  private readonly seriesMaxPoints: number;
  private readonly onConnection: ((s: ConnectionSummary) => void) | undefined;
  private readonly onConnectionEnd: ((conn: Connection) => void) | undefined;
  private readonly keepSummaries: boolean;
  /** A summary will be built for each connection (keepSummaries or onConnection). */
  private readonly summarizing: boolean;
  /** Every packet gets its flags (TcpAnalyzerOptions.flagPackets, or summaries count them). */
  private readonly flagging: boolean;
  private readonly summaries: ConnectionSummary[] = [];
  private readonly maxConnections: number;
  private readonly maxTombstones: number;
  private evicted = 0;
  private evictedHalfOpen = 0;
  private firstEvictionNs = -1;
  private lastEvictionNs = -1;
  private droppedTombstones = 0;
  private readonly totals = new Float64Array(FLAG_COUNT_KEYS.length);
  private readonly anomalies = new Map<string, number>();
  /** Sweep queue (FIFO by activity time); `queueHead` indexes its first live element. */
  private queue: Connection[] = [];
  private queueHead = 0;
  /** Connections finalized while still in the sweep queue (compacted away by the sweep). */
  private finalizedInQueue = 0;
  /** Closed connections, for their late packets (tombstone.ts); expiry queue FIFO by activity. */
  private readonly tombs = new FlowTable<Tombstone>();
  private tombQueue: Tombstone[] = [];
  private tombHead = 0;
  /** Closed connections waiting out CLOSE_GRACE_NS (FIFO by the time they were queued). */
  private closeQueue: Connection[] = [];
  private closeHead = 0;
  /** The capture's first packet (of any kind): times count from its whole second, and
   * ConnectionSummary.startMs from the packet itself. */
  private baseSec = -1;
  private baseNsec = 0;
  private streams = 0;
  private nowNs = 0;
  packets = 0;
  tcpPackets = 0;
  /** The connection of the last TCP packet, kept across non-TCP packets (lookup shortcut). */
  private recent: Connection | undefined = undefined;
  /** The connection of the last TCP packet (for the packets command), undefined after non-TCP. */
  lastConnection: Connection | undefined = undefined;
  /** Duplicate-ACK number of the last packet (0 when not a duplicate ACK). */
  lastDupAckNumber = 0;
  /** Whether the last TCP packet was sent by its connection's endpoint A (the first sender seen). */
  lastFromA = false;
  /** tcp.stream of the last TCP packet (-1 after non-TCP), closed connections' late packets too. */
  lastStream = -1;
  /**
   * The last TCP packet came after its connection closed (a tombstone's: lastConnection is then
   * undefined, lastStream its tcp.stream, lastFromClient its direction).
   */
  lastAfterClose = false;
  lastFromClient = false;

  /** Connections with live analysis state (open, or closed less than CLOSE_GRACE_NS ago). */
  get openConnections(): number {
    return this.table.size;
  }

  /** Closed connections' tombstones still on their tuples (TIME_WAIT). */
  get tombstones(): number {
    return this.tombs.size;
  }

  constructor(options: TcpAnalyzerOptions = {}) {
    this.seriesMaxPoints = options.seriesMaxPoints ?? 64;
    this.onConnection = options.onConnection;
    this.onConnectionEnd = options.onConnectionEnd;
    this.keepSummaries = options.keepSummaries ?? true;
    this.summarizing = this.keepSummaries || this.onConnection !== undefined;
    this.flagging = (options.flagPackets ?? true) || this.summarizing;
    this.maxConnections = Math.max(1, options.maxConnections ?? Number.POSITIVE_INFINITY);
    this.maxTombstones = this.maxConnections * TOMBSTONES_PER_CONNECTION;
  }

  /**
   * Analyses one packet; returns its AnalysisFlag bits (0 for non-TCP packets, and past the
   * handshake for an analyzer that does not flag packets: TcpAnalyzerOptions.flagPackets).
   */
  onPacket(record: PacketRecord, view: PacketView): number {
    this.packets++;
    if (this.closeHead < this.closeQueue.length) this.closeIdle(timeNsOf(record, this.baseSec));
    this.lastConnection = undefined;
    this.lastDupAckNumber = 0;
    this.lastStream = -1;
    this.lastAfterClose = false;
    if (this.baseSec < 0) {
      this.baseSec = record.tsSec;
      this.baseNsec = record.tsNsec;
    }
    // A TCP header that is malformed or cut short by the snaplen is not analysed: tshark gives up
    // on it before its conversation table sees it.
    if (view.transport !== "tcp" || (view.stop !== undefined && view.stop.layer === "tcp")) {
      return 0;
    }
    this.tcpPackets++;
    const timeNs = (record.tsSec - this.baseSec) * 1e9 + record.tsNsec;
    if (timeNs > this.nowNs) this.nowNs = timeNs;

    const bytes = view.bytes;
    const v6 = view.ipVersion === 6;
    const so = view.ipSrcOffset;
    const dOff = view.ipDstOffset;
    const tuple = this.tuple;
    tuple.ipVersion = view.ipVersion;
    tuple.s0 = readWord(bytes, so);
    tuple.s1 = v6 ? readWord(bytes, so + 4) : 0;
    tuple.s2 = v6 ? readWord(bytes, so + 8) : 0;
    tuple.s3 = v6 ? readWord(bytes, so + 12) : 0;
    tuple.sport = view.srcPort;
    tuple.d0 = readWord(bytes, dOff);
    tuple.d1 = v6 ? readWord(bytes, dOff + 4) : 0;
    tuple.d2 = v6 ? readWord(bytes, dOff + 8) : 0;
    tuple.d3 = v6 ? readWord(bytes, dOff + 12) : 0;
    tuple.dport = view.dstPort;
    const tcpFlags = view.tcpFlags;
    const seq = view.tcpSeq >>> 0;

    // Most packets belong to the previous packet's connection (a transfer's segments and ACKs
    // come in runs): check it before hashing the tuple.
    const table = this.table;
    const recent = this.recent;
    const side = recent !== undefined && recent.id >= 0 ? flowSide(recent, tuple) : FlowSide.NONE;
    let conn: Connection | undefined;
    let fromA: boolean;
    let hash: number;
    if (side !== FlowSide.NONE) {
      conn = recent;
      fromA = side === FlowSide.FROM_A;
      hash = (recent as Connection).hash;
    } else {
      hash = flowHash(tuple);
      conn = table.find(tuple, hash);
      fromA = table.lastFromA;
    }
    let flags = 0;
    if (conn === undefined && this.tombs.size > 0) {
      const tomb = this.tombs.find(tuple, hash);
      if (tomb !== undefined) {
        const tombFromA = this.tombs.lastFromA;
        const bits = tombFromA ? tomb.bitsA : tomb.bitsB;
        const baseSeq = tombFromA ? tomb.baseSeqA : tomb.baseSeqB;
        if (
          (tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) !== TcpFlag.SYN ||
          (bits & TombBit.BASE_SEQ_SET) === 0 ||
          seq === baseSeq
        ) {
          return this.onLatePacket(tomb, tombFromA, view, timeNs);
        }
        // A new ISN: the tuple is reused by a new connection.
        this.tombs.remove(tomb.id);
        tomb.id = -1;
        flags |= AnalysisFlag.REUSED_PORTS;
      }
    }
    if (conn === undefined) {
      if (table.size >= this.maxConnections) this.evictOldest(timeNs);
      conn = new Connection(this.streams++, tuple, hash, this.seriesMaxPoints);
      conn.id = table.insert(conn);
      fromA = true;
      conn.firstFrame = record.frame;
      conn.firstTimeNs = timeNs;
      this.enqueue(conn, timeNs);
    } else if ((tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      // A SYN with a new ISN on a tuple in use is a new connection (tshark's tcp.stream splits
      // the same way; "TCP Port numbers reused").
      const fwd = fromA ? conn.ab : conn.ba;
      if (fwd.baseSeqSet && seq !== fwd.baseSeq) {
        const old = conn;
        conn = new Connection(this.streams++, tuple, hash, this.seriesMaxPoints);
        conn.id = old.id;
        table.replace(old.id, conn);
        old.id = -1;
        this.finalize(old);
        fromA = true;
        conn.firstFrame = record.frame;
        conn.firstTimeNs = timeNs;
        this.enqueue(conn, timeNs);
        flags |= AnalysisFlag.REUSED_PORTS;
      }
    }
    this.lastConnection = conn;
    this.lastFromA = fromA;
    this.lastStream = conn.stream;
    this.recent = conn;
    conn.packets++;
    conn.lastFrame = record.frame;
    conn.lastTimeNs = timeNs;

    const fwd = fromA ? conn.ab : conn.ba;
    const rev = fromA ? conn.ba : conn.ab;
    // tshark clamps a datagram whose IP length claims more than the frame held on the wire
    // ("IPv4 total length exceeds packet length") to the frame; so do we.
    const wireAfterHeader =
      view.originalLenBytes - (view.l4Offset - view.packetOffset) - view.tcpHeaderLenBytes;
    const lenBytes =
      view.payloadLenBytes <= wireAfterHeader ? view.payloadLenBytes : Math.max(0, wireAfterHeader);
    const ack = view.tcpAck >>> 0;
    const window = view.tcpWindow;
    const s = this.seg;
    s.frame = record.frame;
    s.timeNs = timeNs;
    s.seq = seq;
    s.ack = ack;
    s.lenBytes = lenBytes;
    s.tcpFlags = tcpFlags;
    s.window = window;
    s.fwd = fwd;
    s.rev = rev;
    s.flags = flags;
    s.dupAckNumber = 0;

    this.checkAnomalies(conn, fwd, s);

    // Relative sequence numbers: the ISN, or first seq − 1 when the SYN was not seen (Wireshark
    // bug 1542); the peer's ISN from the first ACK when its SYN was not seen.
    if (!fwd.baseSeqSet) {
      if (tcpFlags & TcpFlag.SYN) {
        fwd.baseSeq = seq;
        if (tcpFlags & TcpFlag.ACK) fwd.sawSynAck = true;
        else fwd.sawSyn = true;
      } else {
        fwd.baseSeq = (seq - 1) >>> 0;
      }
      fwd.baseSeqSet = true;
    }
    if (!rev.baseSeqSet && tcpFlags & TcpFlag.ACK) {
      rev.baseSeq = (ack - 1) >>> 0;
      rev.baseSeqSet = true;
    }
    if (tcpFlags & TcpFlag.ACK) rev.validBif = true;

    // ── classification ──
    // Unless packets are flagged, a connection is classified only until its handshake gives it a
    // round trip: before that the ACK-based RTT (which needs the retransmission flags, Karn's
    // rule) is what a reader of the connection gets for one (TcpAnalyzerOptions.flagPackets).
    const classifying = this.flagging || conn.firstRttNs < 0;
    if (classifying) this.classify(conn.firstRttNs, fwd, s);
    flags = s.flags;

    // RST evidence (for the summary) needs the state before this segment updates it.
    if (tcpFlags & TcpFlag.RST && this.summarizing) this.recordReset(conn, fromA, view, s);

    this.updateSequenceState(conn, fwd, rev, s, flags, classifying);
    this.updateOptionsAndHandshake(conn, fromA, fwd, rev, view, s);
    this.updateStatistics(conn, fromA, fwd, rev, view, s, flags);

    if (conn.closedAtNs >= 0 && !conn.closing && closedForGood(conn)) {
      conn.closing = true;
      conn.closeQueuedAtNs = timeNs;
      this.closeQueue.push(conn);
    }
    if (this.tcpPackets % SWEEP_EVERY_PACKETS === 0) this.sweep();
    this.lastDupAckNumber = s.dupAckNumber;
    return flags;
  }

  /**
   * A packet on a closed connection's tuple: the same tcp.stream, flagged by the classifiers from
   * the tombstone's sequence numbers (a retransmitted FIN, a repeated last ACK), counted in the
   * capture's totals. The connection's summary was already emitted.
   */
  private onLatePacket(tomb: Tombstone, fromA: boolean, view: PacketView, timeNs: number): number {
    tomb.lastTimeNs = timeNs;
    const fwd = new DirectionState(0);
    const rev = new DirectionState(0);
    restoreDirection(fwd, fromA, tomb);
    restoreDirection(rev, !fromA, tomb);
    const tcpFlags = view.tcpFlags;
    const seq = view.tcpSeq >>> 0;
    const ack = view.tcpAck >>> 0;
    const s = this.seg;
    s.timeNs = timeNs;
    s.seq = seq;
    s.ack = ack;
    s.lenBytes = Math.max(0, view.payloadLenBytes);
    s.tcpFlags = tcpFlags;
    s.window = view.tcpWindow;
    s.fwd = fwd;
    s.rev = rev;
    s.flags = 0;
    s.dupAckNumber = 0;
    this.classify(OUT_OF_ORDER_DEFAULT_LIMIT_NS, fwd, s);
    const flags = s.flags;
    let nextSeq = (seq + s.lenBytes) >>> 0;
    if (tcpFlags & SYN_FIN) nextSeq = (nextSeq + 1) >>> 0;
    if (
      (flags & AnalysisFlag.ZERO_WINDOW_PROBE) === 0 &&
      (!fwd.hasNextSeq || seqGt(nextSeq, fwd.nextSeq))
    ) {
      fwd.nextSeq = nextSeq;
      fwd.hasNextSeq = true;
    }
    fwd.window = s.window;
    fwd.lastAck = ack;
    if (tcpFlags & TcpFlag.ACK) fwd.hasLastAck = true;
    saveDirection(fwd, fromA, tomb);
    if (flags !== 0 || tcpFlags & TcpFlag.RST) {
      const totals = this.totals;
      for (let i = 0; i < COUNTED_FLAGS.length; i++) if (flags & COUNTED_FLAGS[i]!) totals[i]++;
      if (tcpFlags & TcpFlag.RST) totals[I_RESET]++;
    }
    this.lastStream = tomb.stream;
    this.lastFromA = fromA;
    this.lastFromClient = fromA === tomb.clientIsA;
    this.lastAfterClose = true;
    this.lastDupAckNumber = s.dupAckNumber;
    if (this.tcpPackets % SWEEP_EVERY_PACKETS === 0) this.sweep();
    return flags;
  }

  /**
   * Finalizes the closed connections that had no packet for CLOSE_GRACE_NS (up to `timeNs`, the
   * packet about to be analysed), each leaving its tombstone on the tuple.
   */
  private closeIdle(timeNs: number): void {
    const now = Math.max(timeNs, this.nowNs);
    const q = this.closeQueue;
    let head = this.closeHead;
    while (head < q.length) {
      const conn = q[head];
      if (conn.finalized || conn.id < 0) {
        head++;
        continue;
      }
      if (conn.closeQueuedAtNs + CLOSE_GRACE_NS > now) break;
      head++;
      if (conn.lastTimeNs + CLOSE_GRACE_NS <= now) {
        this.close(conn);
      } else {
        conn.closeQueuedAtNs = conn.lastTimeNs;
        q.push(conn);
      }
    }
    if (head === q.length) {
      this.closeQueue = [];
      head = 0;
    } else if (head > 4096 && head * 2 > q.length) {
      this.closeQueue = q.slice(head);
      head = 0;
    }
    this.closeHead = head;
  }

  /** Finalizes a closed connection and leaves its tombstone on the tuple. */
  private close(conn: Connection): void {
    this.table.remove(conn.id);
    conn.id = -1;
    if (this.recent === conn) this.recent = undefined;
    const tomb = new Tombstone(conn, decideRoles(conn).clientIsA);
    this.finalize(conn);
    if (this.tombs.size >= this.maxTombstones) this.dropOldestTombstone();
    tomb.id = this.tombs.insert(tomb);
    this.tombQueue.push(tomb);
  }

  /**
   * The connection cap is reached: summarise the connection idle longest (the sweep queue's
   * order, re-queueing those active since) with what it has seen; it leaves a tombstone.
   */
  private evictOldest(timeNs: number): void {
    const q = this.queue;
    let head = this.queueHead;
    while (head < q.length) {
      const conn = q[head++];
      if (conn.finalized || conn.id < 0) {
        this.leftQueueFinalized();
        continue;
      }
      if (conn.lastTimeNs > conn.queuedAtNs) {
        conn.queuedAtNs = conn.lastTimeNs;
        q.push(conn);
        continue;
      }
      this.queueHead = head;
      this.evicted++;
      if (conn.handshakeAckTimeNs < 0) this.evictedHalfOpen++;
      if (this.firstEvictionNs < 0) this.firstEvictionNs = timeNs;
      this.lastEvictionNs = timeNs;
      this.close(conn);
      this.leftQueueFinalized();
      return;
    }
    this.queueHead = head;
  }

  private dropOldestTombstone(): void {
    const q = this.tombQueue;
    let head = this.tombHead;
    while (head < q.length) {
      const tomb = q[head++];
      if (tomb.id < 0) continue;
      this.tombs.remove(tomb.id);
      tomb.id = -1;
      this.droppedTombstones++;
      break;
    }
    this.tombHead = head;
  }

  /** What the caps did; undefined when none was reached. */
  private limits(): TcpLimits | undefined {
    if (this.evicted === 0 && this.droppedTombstones === 0) return undefined;
    const ms = (ns: number) => (ns < 0 ? -1 : Math.round((ns - this.baseNsec) / 1e3) / 1e3);
    return {
      maxConnections: this.maxConnections,
      maxTombstones: this.maxTombstones,
      evictedConnections: this.evicted,
      evictedHalfOpen: this.evictedHalfOpen,
      firstEvictionMs: ms(this.firstEvictionNs),
      lastEvictionMs: ms(this.lastEvictionNs),
      droppedTombstones: this.droppedTombstones,
    };
  }

  /** Wireshark's tcp.analysis flags of the segment in `s` (into s.flags), in their precedence. */
  private classify(firstRttNs: number, fwd: DirectionState, s: Segment): void {
    const seq = s.seq;
    const lenBytes = s.lenBytes;
    let notAdvanced = fwd.hasNextSeq && seqGt(fwd.nextSeq, seq);
    // One byte before nextSeq carrying more than a byte: new data after a zero window probe.
    if (lenBytes > 1 && (fwd.nextSeq - 1) >>> 0 === seq) notAdvanced = false;
    s.seqNotAdvanced = notAdvanced;
    s.outOfOrderLimitNs = firstRttNs > 0 ? firstRttNs : OUT_OF_ORDER_DEFAULT_LIMIT_NS;
    // A classifier is called only for the shapes it can flag: each call here is megamorphic.
    const shape = segmentShape(lenBytes, notAdvanced);
    const classifiers = SEGMENT_CLASSIFIERS_BY_SHAPE[shape]!;
    for (let i = 0; i < classifiers.length; i++) {
      const c = classifiers[i]!;
      if ((s.flags & c.skipIf) === 0 && c.classify(s)) s.flags |= c.flag;
    }
    if (lenBytes > 0 || s.tcpFlags & SYN_FIN) {
      const retransmissions = RETRANSMISSION_CLASSIFIERS_BY_SHAPE[shape]!;
      for (let i = 0; i < retransmissions.length; i++) {
        const c = retransmissions[i]!;
        if ((s.flags & c.skipIf) === 0 && c.classify(s)) s.flags |= c.flag;
      }
    }
  }

  /** Summarises every connection still open and returns all summaries and the totals. */
  finish(): ConnectionsResult {
    this.closeQueue = [];
    this.closeHead = 0;
    const open = [...this.table.values()].sort((a, b) => a.stream - b.stream);
    for (const conn of open) {
      this.table.remove(conn.id);
      conn.id = -1;
      this.finalize(conn);
    }
    this.queue = [];
    this.queueHead = 0;
    this.tombQueue = [];
    this.tombHead = 0;
    const connections = this.summaries.sort((a, b) => a.stream - b.stream);
    const flags = flagCountsOf(this.totals);
    const limits = this.limits();
    return {
      connections,
      totals: {
        connections: this.streams,
        packets: this.packets,
        tcpPackets: this.tcpPackets,
        flags,
        anomalies: Object.fromEntries([...this.anomalies].sort()),
        vantage: captureVantage(this.streams, this.vantageTally),
        ...(limits !== undefined ? { limits } : {}),
      },
    };
  }

  /** Vantage votes of finalized connections, kept even when summaries are not. */
  private readonly vantageTally = new Map<string, number>();

  private checkAnomalies(conn: Connection, fwd: DirectionState, s: Segment): void {
    const f = s.tcpFlags;
    if ((f & (TcpFlag.SYN | TcpFlag.FIN)) === (TcpFlag.SYN | TcpFlag.FIN)) {
      this.anomaly(conn, "syn-with-fin");
    }
    if ((f & (TcpFlag.SYN | TcpFlag.RST)) === (TcpFlag.SYN | TcpFlag.RST)) {
      this.anomaly(conn, "syn-with-rst");
    }
    if ((f & (TcpFlag.FIN | TcpFlag.RST)) === (TcpFlag.FIN | TcpFlag.RST)) {
      this.anomaly(conn, "fin-with-rst");
    }
    if ((f & (SYN_FIN_RST | TcpFlag.ACK)) === 0) this.anomaly(conn, "no-flags");
    if (fwd.hasNextSeq && (f & TcpFlag.SYN) === 0) {
      const jump = (s.seq - fwd.nextSeq) | 0;
      if (jump > IMPOSSIBLE_SEQ_JUMP || jump < -IMPOSSIBLE_SEQ_JUMP) {
        this.anomaly(conn, "impossible-seq-jump");
      }
    }
    if (!fwd.unackedCapped && fwd.unacked.count >= MAX_UNACKED_SEGMENTS) {
      fwd.unackedCapped = true;
      this.anomaly(conn, "unacked-segments-capped");
    }
  }

  private anomaly(conn: Connection, name: string): void {
    conn.addAnomaly(name);
    this.anomalies.set(name, (this.anomalies.get(name) ?? 0) + 1);
  }

  /**
   * Wireshark's bookkeeping after classification (tcp_analyze_sequence_number's tail). The
   * unacknowledged-segment lists serve the classifiers and the ACK-based RTT only: a segment that
   * was not `classified` neither adds to them nor acknowledges from them.
   */
  private updateSequenceState(
    conn: Connection,
    fwd: DirectionState,
    rev: DirectionState,
    s: Segment,
    flags: number,
    classified: boolean,
  ): void {
    const seq = s.seq;
    const ack = s.ack;
    const tcpFlags = s.tcpFlags;
    const timeNs = s.timeNs;

    // The duplicate-ACK run ends when the ACK number moves (Wireshark "finished_fwd").
    if (ack !== fwd.lastAck) {
      fwd.lastNonDupAckFrame = s.frame;
      fwd.dupAckCount = 0;
    }

    let nextSeq = (seq + s.lenBytes) >>> 0;
    if (s.lenBytes > 0 || tcpFlags & SYN_FIN) {
      // Wireshark adds the SYN/FIN's sequence byte only when it tracks the segment.
      const end = tcpFlags & SYN_FIN ? (nextSeq + 1) >>> 0 : nextSeq;
      if (!classified) {
        nextSeq = end;
      } else {
        const ambiguous = (flags & ANY_RETRANSMISSION) !== 0;
        if (ambiguous) fwd.unacked.markRetransmitted(seq, end);
        if (fwd.unacked.add(seq, end, s.frame, timeNs, ambiguous)) nextSeq = end;
      }
    }
    const isProbe = (flags & AnalysisFlag.ZERO_WINDOW_PROBE) !== 0;
    if (!fwd.hasNextSeq || seqGt(nextSeq, fwd.nextSeq)) {
      if (!isProbe) {
        fwd.nextSeq = nextSeq;
        fwd.hasNextSeq = true;
        fwd.nextSeqFrame = s.frame;
        fwd.nextSeqTimeNs = timeNs;
      }
    }
    if (!fwd.hasMaxSeqToBeAcked || seq === fwd.maxSeqToBeAcked) {
      if (!isProbe) {
        fwd.maxSeqToBeAcked = fwd.nextSeq;
        fwd.hasMaxSeqToBeAcked = true;
      }
    }
    fwd.window = s.window;
    fwd.lastAck = ack;
    fwd.lastAckTimeNs = timeNs;
    if (tcpFlags & TcpFlag.ACK) fwd.hasLastAck = true;
    fwd.lastSegmentFlags = flags;

    // Remove what this ACKs from the other direction's list; exact matches give RTT samples.
    if (classified) rev.unacked.acknowledge(s, rev.ackRtt);

    // Bytes in flight after this segment (Wireshark's payload-based method), minus SACKed data.
    if (
      classified &&
      s.lenBytes > 0 &&
      fwd.bytesInFlight.enabled &&
      fwd.unacked.count > 0 &&
      fwd.validBif
    ) {
      let inFlight = fwd.unacked.spanBytes() - rev.lastSackBytes;
      if (tcpFlags & SYN_FIN) inFlight -= 1;
      if (inFlight > 0 && inFlight < 2_000_000_000) fwd.bytesInFlight.add(timeNs, inFlight);
    }
    if (
      conn.firstRttNs < 0 &&
      conn.mruSynTimeNs >= 0 &&
      (tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK
    ) {
      conn.firstRttNs = timeNs - conn.mruSynTimeNs;
    }
  }

  private updateOptionsAndHandshake(
    conn: Connection,
    fromA: boolean,
    fwd: DirectionState,
    rev: DirectionState,
    view: PacketView,
    s: Segment,
  ): void {
    const tcpFlags = s.tcpFlags;
    const timeNs = s.timeNs;
    // SACK blocks of this segment, for the peer's bytes-in-flight.
    let sacked = 0;
    for (let i = 0; i < view.tcpSackCount; i++) {
      sacked += (view.tcpSack[2 * i + 1] - view.tcpSack[2 * i]) >>> 0;
    }
    fwd.lastSackBytes = sacked;

    if (tcpFlags & TcpFlag.SYN) {
      const isSynAck = (tcpFlags & TcpFlag.ACK) !== 0;
      if (view.tcpMss >= 0) fwd.mss = view.tcpMss;
      if (view.tcpSackPermitted) fwd.sackPermitted = true;
      if (view.tcpHasTimestamps) fwd.timestamps = true;
      if (view.tcpWindowScale >= 0) {
        fwd.wsOption = view.tcpWindowScale;
        fwd.winScale = WindowScale.KNOWN;
        // RFC 7323 §2.3: a shift above 14 is used as 14.
        fwd.winScaleShift = Math.min(view.tcpWindowScale, 14);
      }
      // Window scaling is in use only if both SYNs carry the option (RFC 7323 §2.2).
      if (fwd.winScale === WindowScale.UNKNOWN) {
        fwd.winScale = WindowScale.NONE;
        rev.winScale = WindowScale.NONE;
      } else if (isSynAck && rev.winScale === WindowScale.NONE) {
        fwd.winScale = WindowScale.NONE;
      }
      fwd.isFirstAck = true;
      if (isSynAck) {
        if ((tcpFlags & (TcpFlag.ECE | TcpFlag.CWR)) === TcpFlag.ECE && rev.ecnSetup) {
          fwd.ecnSetup = true;
        }
        if (conn.synAckFromA === undefined) conn.synAckFromA = fromA;
        if (conn.firstSynAckTimeNs < 0) {
          conn.firstSynAckTimeNs = timeNs;
          conn.synBeforeSynAckTimeNs = conn.mruSynTimeNs;
          conn.synAckSeq = s.seq;
        }
        if (conn.handshakeAckTimeNs < 0) conn.lastSynAckTimeNs = timeNs;
      } else {
        if ((tcpFlags & (TcpFlag.ECE | TcpFlag.CWR)) === (TcpFlag.ECE | TcpFlag.CWR)) {
          fwd.ecnSetup = true;
        }
        if (conn.synFromA === undefined) conn.synFromA = fromA;
        conn.mruSynTimeNs = timeNs;
        if (conn.synFromA === fromA && conn.synTimesNs.length < MAX_SYN_TIMES_KEPT) {
          conn.synTimesNs.push(timeNs);
        }
      }
    } else if (tcpFlags & TcpFlag.ACK) {
      if ((tcpFlags & TcpFlag.ACK) !== 0) fwd.isFirstAck = false;
      if (
        conn.handshakeAckTimeNs < 0 &&
        conn.firstSynAckTimeNs >= 0 &&
        conn.synAckFromA !== fromA &&
        s.ack === (conn.synAckSeq + 1) >>> 0
      ) {
        conn.handshakeAckTimeNs = timeNs;
        conn.handshakeAckFrame = s.frame;
      }
    }

    // TCP timestamps RTT (RFC 7323 §4.3): time from a TSval to the peer's first echo of it.
    if (view.tcpHasTimestamps) {
      const ecr = view.tcpTsEcr >>> 0;
      if (rev.tsValPending >= 0 && tcpFlags & TcpFlag.ACK) {
        if (ecr === rev.tsValPending) {
          rev.tsRtt.add(timeNs - rev.tsValPendingTimeNs);
          rev.tsValPending = -1;
        } else if (seqGt(ecr, rev.tsValPending)) {
          rev.tsValPending = -1;
        }
      }
      if (fwd.tsValPending < 0 && (s.lenBytes > 0 || tcpFlags & SYN_FIN)) {
        fwd.tsValPending = view.tcpTsVal >>> 0;
        fwd.tsValPendingTimeNs = timeNs;
      }
    }
  }

  private updateStatistics(
    conn: Connection,
    fromA: boolean,
    fwd: DirectionState,
    rev: DirectionState,
    view: PacketView,
    s: Segment,
    flags: number,
  ): void {
    const tcpFlags = s.tcpFlags;
    const timeNs = s.timeNs;
    const lenBytes = s.lenBytes;
    fwd.segments++; // also the acked-unseen classifier's
    if (this.summarizing) this.updateSummaryCounters(conn, fromA, fwd, view, s, flags);
    if (lenBytes > 0) {
      if (fwd.firstPayloadTimeNs < 0) fwd.firstPayloadTimeNs = timeNs;
      fwd.lastPayloadTimeNs = timeNs;
      fwd.lastPayloadFrame = s.frame;
      if (rev.mss > 0 && lenBytes > rev.mss) fwd.oversizeSegments++;
    }

    // IP evidence (the vantage).
    const ttl = view.ipTtl;
    if (fwd.ttlFirst < 0) fwd.ttlFirst = ttl;
    if (ttl < fwd.ttlMin) fwd.ttlMin = ttl;
    if (ttl > fwd.ttlMax) fwd.ttlMax = ttl;
    if (
      fwd.checksumChecked < CHECKSUM_SAMPLES_PER_DIRECTION &&
      lenBytes <= CHECKSUM_MAX_PAYLOAD_BYTES
    ) {
      const ok = tcpChecksumOk(view);
      if (ok !== undefined) {
        fwd.checksumChecked++;
        if (!ok) fwd.checksumBad++;
      }
    }

    // Flag counts, as tshark's display filters count frames (the capture's totals too).
    if (flags !== 0 || tcpFlags & TcpFlag.RST) {
      const counts = conn.flagCounts;
      const totals = this.totals;
      for (let i = 0; i < COUNTED_FLAGS.length; i++) {
        if (flags & COUNTED_FLAGS[i]!) {
          counts[i]++;
          totals[i]++;
        }
      }
      if (tcpFlags & TcpFlag.RST) {
        counts[I_RESET]++;
        totals[I_RESET]++;
      }
    }

    // Endpoint states (the sweep's timeouts, the summary's state).
    if (tcpFlags & TcpFlag.FIN) {
      fwd.finCount++;
      if (fwd.firstFinTimeNs < 0) {
        fwd.firstFinTimeNs = timeNs;
        fwd.firstFinFrame = s.frame;
        fwd.finEndSeq = (s.seq + lenBytes + 1) >>> 0;
      }
    }
    if (
      tcpFlags & TcpFlag.ACK &&
      rev.finCount > 0 &&
      !rev.finAcked &&
      seqGe(s.ack, rev.finEndSeq)
    ) {
      rev.finAcked = true;
    }
    if (tcpFlags & TcpFlag.RST) fwd.rstCount++;
    if (tcpFlags & TcpFlag.SYN) fwd.synCount++;
    this.updateEndpointStates(conn, fromA, tcpFlags);
    if (conn.closedAtNs < 0) {
      if (tcpFlags & TcpFlag.RST || (fwd.finCount > 0 && rev.finCount > 0)) {
        conn.closedAtNs = timeNs;
      }
    }
  }

  /**
   * What only a ConnectionSummary reads: byte counts, ECN marks, IP ID steps, loss and
   * zero-window counts and the history letters. Skipped when no summary will be built.
   */
  private updateSummaryCounters(
    conn: Connection,
    fromA: boolean,
    fwd: DirectionState,
    view: PacketView,
    s: Segment,
    flags: number,
  ): void {
    const tcpFlags = s.tcpFlags;
    const lenBytes = s.lenBytes;
    fwd.bytes += view.originalLenBytes;
    fwd.payloadBytes += lenBytes;
    if (lenBytes > fwd.maxPayloadBytes) fwd.maxPayloadBytes = lenBytes;
    if (fwd.receiveWindow.enabled) {
      fwd.receiveWindow.add(
        s.timeNs,
        tcpFlags & TcpFlag.SYN ? s.window : fwd.scaledWindow(s.window),
      );
    }
    // ECN (RFC 3168): CE marks on IP, ECE echoes on TCP.
    if ((view.ipEcn & 3) === 3) fwd.ecnCeMarks++;
    if (tcpFlags & TcpFlag.ECE && (tcpFlags & TcpFlag.SYN) === 0) fwd.ecnEchoes++;
    const ipId = view.ipId;
    if (ipId >= 0) {
      if (fwd.ipIdLast >= 0) {
        const step = (ipId - fwd.ipIdLast) & 0xffff;
        if (step <= 64) fwd.ipIdSmallSteps++;
        else fwd.ipIdBigSteps++;
      }
      fwd.ipIdLast = ipId;
    }
    if (flags !== 0) {
      if (flags & ANY_RETRANSMISSION) {
        fwd.retransmissions++;
        fwd.retransmittedBytes += lenBytes;
        if (isPowerOfTen(fwd.retransmissions)) conn.historyRepeat(fromA, "T");
      }
      if (flags & AnalysisFlag.LOST_SEGMENT) {
        const gaps = fromA ? ++conn.gapsA : ++conn.gapsB;
        if (isPowerOfTen(gaps)) conn.historyRepeat(fromA, "G");
      }
      if (flags & AnalysisFlag.ZERO_WINDOW) {
        fwd.zeroWindows++;
        if (isPowerOfTen(fwd.zeroWindows)) conn.historyRepeat(fromA, "W");
      }
    }
    // Zeek's history letters.
    if (tcpFlags & TcpFlag.SYN) {
      if (tcpFlags & TcpFlag.ACK) conn.historyOnce(fromA, HistoryLetter.H, "H");
      else conn.historyOnce(fromA, HistoryLetter.S, "S");
      if (tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) conn.historyOnce(fromA, HistoryLetter.Q, "Q");
    }
    if ((tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) === (TcpFlag.FIN | TcpFlag.RST)) {
      conn.historyOnce(fromA, HistoryLetter.I, "I");
    }
    if (lenBytes > 0) conn.historyOnce(fromA, HistoryLetter.D, "D");
    else if ((tcpFlags & (SYN_FIN_RST | TcpFlag.ACK)) === TcpFlag.ACK) {
      conn.historyOnce(fromA, HistoryLetter.A, "A");
    }
    if (tcpFlags & TcpFlag.FIN) conn.historyOnce(fromA, HistoryLetter.F, "F");
    if (tcpFlags & TcpFlag.RST) conn.historyOnce(fromA, HistoryLetter.R, "R");
  }

  private updateEndpointStates(conn: Connection, fromA: boolean, tcpFlags: number): void {
    let mine = fromA ? conn.stateA : conn.stateB;
    let peer = fromA ? conn.stateB : conn.stateA;
    if (tcpFlags & TcpFlag.RST) {
      mine = EndpointState.RESET;
    } else if (mine !== EndpointState.RESET) {
      if (tcpFlags & TcpFlag.SYN) {
        if (mine === EndpointState.INACTIVE || mine === EndpointState.PARTIAL) {
          mine = tcpFlags & TcpFlag.ACK ? EndpointState.SYN_ACK_SENT : EndpointState.SYN_SENT;
        } else if (mine === EndpointState.SYN_SENT && tcpFlags & TcpFlag.ACK) {
          mine = EndpointState.SYN_ACK_SENT; // simultaneous open
        }
      } else if (tcpFlags & TcpFlag.ACK) {
        // An ACK from a side of a half-done handshake completes it (for both sides).
        const opening = mine === EndpointState.SYN_SENT || mine === EndpointState.SYN_ACK_SENT;
        const peerOpening =
          peer === EndpointState.SYN_SENT ||
          peer === EndpointState.SYN_ACK_SENT ||
          peer === EndpointState.ESTABLISHED;
        if (opening && peerOpening) {
          mine = EndpointState.ESTABLISHED;
          if (peer === EndpointState.SYN_ACK_SENT || peer === EndpointState.SYN_SENT) {
            peer = EndpointState.ESTABLISHED;
          }
        } else if (mine === EndpointState.INACTIVE) {
          mine = EndpointState.PARTIAL;
        }
      } else if (mine === EndpointState.INACTIVE) {
        mine = EndpointState.PARTIAL;
      }
      if (tcpFlags & TcpFlag.FIN) mine = EndpointState.CLOSED;
    }
    if (fromA) {
      conn.stateA = mine;
      conn.stateB = peer;
    } else {
      conn.stateB = mine;
      conn.stateA = peer;
    }
  }

  private recordReset(conn: Connection, fromA: boolean, view: PacketView, s: Segment): void {
    if ((conn.resets?.length ?? 0) >= MAX_RESETS_KEPT) return;
    const rst = classifyReset(conn, fromA, view, s);
    if (conn.resets === undefined) conn.resets = [];
    conn.resets.push(rst);
  }

  private enqueue(conn: Connection, timeNs: number): void {
    conn.queuedAtNs = timeNs;
    this.queue.push(conn);
  }

  /** Finalizes connections idle past their timeout; re-queues those that were active since. */
  private sweep(): void {
    const now = this.nowNs;
    const q = this.queue;
    let head = this.queueHead;
    const limit = q.length;
    while (head < limit) {
      const conn = q[head];
      if (conn.finalized || conn.id < 0) {
        head++;
        this.leftQueueFinalized();
        continue;
      }
      if (conn.queuedAtNs + CLOSED_LINGER_NS > now) break; // everything after is younger
      const timeout =
        conn.closedAtNs >= 0
          ? CLOSED_LINGER_NS
          : conn.stateB === EndpointState.INACTIVE || conn.stateA === EndpointState.INACTIVE
            ? UNANSWERED_IDLE_NS
            : OPEN_IDLE_NS;
      head++;
      if (conn.lastTimeNs + timeout <= now) {
        this.table.remove(conn.id);
        conn.id = -1;
        this.finalize(conn);
        this.leftQueueFinalized();
      } else {
        conn.queuedAtNs = conn.lastTimeNs;
        q.push(conn);
      }
    }
    this.queueHead = head;
    // Connections closed (or evicted) before their turn would stay referenced until the queue's
    // head reaches them, up to OPEN_IDLE_NS later: drop them once they are a quarter of it.
    if (this.finalizedInQueue * 4 > q.length - head) {
      this.queue = q.slice(head).filter((c) => !c.finalized);
      this.queueHead = 0;
      this.finalizedInQueue = 0;
    } else if (head > QUEUE_COMPACT_MIN && head * QUEUE_COMPACT_SHARE > q.length) {
      this.queue = q.slice(head);
      this.queueHead = 0;
    }
    this.sweepTombstones(now);
  }

  /** Drops the tombstones without a packet for CLOSED_LINGER_NS (TIME_WAIT is over). */
  private sweepTombstones(now: number): void {
    const q = this.tombQueue;
    let head = this.tombHead;
    const limit = q.length;
    while (head < limit) {
      const tomb = q[head];
      if (tomb.id < 0) {
        head++;
        continue;
      }
      if (tomb.queuedAtNs + CLOSED_LINGER_NS > now) break;
      head++;
      if (tomb.lastTimeNs + CLOSED_LINGER_NS <= now) {
        this.tombs.remove(tomb.id);
        tomb.id = -1;
      } else {
        tomb.queuedAtNs = tomb.lastTimeNs;
        q.push(tomb);
      }
    }
    this.tombHead = head;
    // Dropped tombstones stay referenced until the queue is compacted: compact often (each
    // compaction copies at most QUEUE_COMPACT_SHARE - 1 entries per entry dropped).
    if (head > QUEUE_COMPACT_MIN && head * QUEUE_COMPACT_SHARE > q.length) {
      this.tombQueue = q.slice(head);
      this.tombHead = 0;
    }
  }

  /** A finalized connection left the sweep queue (finalizedInQueue counts those still in it). */
  private leftQueueFinalized(): void {
    if (this.finalizedInQueue > 0) this.finalizedInQueue--;
  }

  private finalize(conn: Connection): void {
    if (conn.finalized) return;
    conn.finalized = true;
    this.finalizedInQueue++;
    const summary = this.summarizing ? buildSummary(conn, this.baseSec, this.baseNsec) : undefined;
    const vantage = summary !== undefined ? summary.vantage : summaryVantage(conn);
    conn.release();
    this.vantageTally.set(
      vantage.kind,
      (this.vantageTally.get(vantage.kind) ?? 0) + vantage.confidence,
    );
    if (this.onConnectionEnd) this.onConnectionEnd(conn);
    if (summary === undefined) return;
    if (this.onConnection) this.onConnection(summary);
    if (this.keepSummaries) this.summaries.push(summary);
  }
}

/** Closed for good: both FINs acknowledged, or a reset. */
function closedForGood(conn: Connection): boolean {
  const ab = conn.ab;
  const ba = conn.ba;
  return (ab.finAcked && ba.finAcked) || ab.rstCount > 0 || ba.rstCount > 0;
}

function restoreDirection(d: DirectionState, a: boolean, tomb: Tombstone): void {
  const bits = a ? tomb.bitsA : tomb.bitsB;
  d.baseSeqSet = (bits & TombBit.BASE_SEQ_SET) !== 0;
  d.baseSeq = a ? tomb.baseSeqA : tomb.baseSeqB;
  d.hasNextSeq = (bits & TombBit.HAS_NEXT_SEQ) !== 0;
  d.nextSeq = a ? tomb.nextSeqA : tomb.nextSeqB;
  d.hasMaxSeqToBeAcked = d.hasNextSeq;
  d.maxSeqToBeAcked = d.nextSeq;
  d.hasLastAck = (bits & TombBit.HAS_LAST_ACK) !== 0;
  d.lastAck = a ? tomb.lastAckA : tomb.lastAckB;
  d.window = a ? tomb.windowA : tomb.windowB;
}

function saveDirection(d: DirectionState, a: boolean, tomb: Tombstone): void {
  const bits =
    (d.baseSeqSet ? TombBit.BASE_SEQ_SET : 0) |
    (d.hasNextSeq ? TombBit.HAS_NEXT_SEQ : 0) |
    (d.hasLastAck ? TombBit.HAS_LAST_ACK : 0);
  if (a) {
    tomb.nextSeqA = d.nextSeq;
    tomb.lastAckA = d.lastAck;
    tomb.windowA = d.window;
    tomb.bitsA = bits;
  } else {
    tomb.nextSeqB = d.nextSeq;
    tomb.lastAckB = d.lastAck;
    tomb.windowB = d.window;
    tomb.bitsB = bits;
  }
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new TcpAnalyzer(), ["nowNs"]);
primeTombstone(new Tombstone(new Connection(0, new PacketTuple(), 0, 0), true));
