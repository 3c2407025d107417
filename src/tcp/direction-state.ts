/**
 * Everything the analyzer tracks about one direction of a connection (Wireshark's `tcp_flow_t`
 * plus our statistics). "This direction" means segments sent by one endpoint; its ACK fields
 * acknowledge the other direction's data.
 */

import { primeDoubleFields } from "./double-fields.ts";
import { RttStats } from "./rtt-stats.ts";
import { type BoundedSeries, boundedSeries } from "./series.ts";
import { UnackedSegments } from "./unacked-segments.ts";

/** Whether the window field of this direction is scaled (RFC 7323 §2). */
export const WindowScale = {
  /** No SYN seen in this direction yet: the shift is not known. */
  UNKNOWN: 0,
  /** The handshake shows window scaling is not in use: the field is the window. */
  NONE: 1,
  /** The handshake negotiated a shift: `winScaleShift`. */
  KNOWN: 2,
} as const;
export type WindowScaleState = (typeof WindowScale)[keyof typeof WindowScale];

export class DirectionState {
  // ── sequence space ──
  baseSeqSet = false;
  /** ISN (or first seq − 1 when the SYN was not seen, so relative numbers start at 1). */
  baseSeq = 0;
  sawSyn = false;
  sawSynAck = false;
  /** Highest sequence number sent + 1 (Wireshark `nextseq`); only meaningful when hasNextSeq. */
  hasNextSeq = false;
  nextSeq = 0;
  nextSeqFrame = 0;
  nextSeqTimeNs = 0;
  /** End of the contiguous data seen (Wireshark `maxseqtobeacked`), for "ACKed unseen segment". */
  hasMaxSeqToBeAcked = false;
  maxSeqToBeAcked = 0;
  /** The last ACK field this direction sent (Wireshark `lastack`); hasLastAck once an ACK was sent. */
  hasLastAck = false;
  lastAck = 0;
  lastAckTimeNs = 0;
  /** Last raw window field; -1 before the first segment (Wireshark starts at G_MAXUINT32). */
  window = -1;
  winScale: WindowScaleState = WindowScale.UNKNOWN;
  winScaleShift = 0;
  /** True from this direction's SYN until its first pure ACK (Wireshark issue 14690). */
  isFirstAck = false;
  dupAckCount = 0;
  /** `segments` when an "ACKed unseen segment" was last reported against this direction. */
  segmentsAtAckedUnseen = -1;
  lastNonDupAckFrame = 0;
  /** Analysis flags of the last segment sent in this direction. */
  lastSegmentFlags = 0;
  /** Bytes-in-flight tracking is paused after a gap until the other side ACKs (Wireshark valid_bif). */
  validBif = true;
  readonly unacked = new UnackedSegments();
  /** The unacked list reached its cap once (reported as an anomaly once). */
  unackedCapped = false;
  /** Bytes covered by the SACK blocks of this direction's latest segment (RFC 2018). */
  lastSackBytes = 0;

  // ── handshake options ──
  mss = -1;
  /** Window scale option value sent in this direction's SYN, -1 when absent. */
  wsOption = -1;
  sackPermitted = false;
  timestamps = false;
  /** ECN: the SYN asked for it (ECE+CWR), the SYN/ACK agreed (ECE), CE marks seen, ECE echoes seen. */
  ecnSetup = false;
  ecnCeMarks = 0;
  ecnEchoes = 0;

  // ── counters ──
  // bytes, payloadBytes, retransmittedBytes, retransmissions, zeroWindows, maxPayloadBytes, the ECN
  // counts and the IP ID steps are kept only by an analyzer that builds summaries
  // (TcpAnalyzer.updateSummaryCounters); the rest always.
  segments = 0;
  /** Frame bytes on the wire (link headers included), as tshark's conversation table counts them. */
  bytes = 0;
  payloadBytes = 0;
  retransmittedBytes = 0;
  retransmissions = 0;
  zeroWindows = 0;
  synCount = 0;
  finCount = 0;
  rstCount = 0;
  firstFinFrame = 0;
  firstFinTimeNs = -1;
  /** Sequence number just past this direction's first FIN, and whether the peer acknowledged it. */
  finEndSeq = 0;
  finAcked = false;
  firstPayloadTimeNs = -1;
  lastPayloadTimeNs = -1;
  lastPayloadFrame = 0;
  maxPayloadBytes = 0;
  /** Payload of segments larger than the peer's MSS (TSO/GRO on the capturing host). */
  oversizeSegments = 0;

  // ── IP evidence (vantage, injected resets) ──
  ttlFirst = -1;
  ttlMin = 256;
  ttlMax = -1;
  ipIdLast = -1;
  /** Consecutive IP IDs that moved by a small step: the sender uses a per-socket counter. */
  ipIdSmallSteps = 0;
  ipIdBigSteps = 0;
  checksumChecked = 0;
  checksumBad = 0;

  // ── RTT ──
  /** Data→ACK samples: time from this direction's segment to the other side's ACK of it. */
  readonly ackRtt = new RttStats();
  /** TCP timestamp echo samples: this direction's TSval to the other side's first echo of it. */
  readonly tsRtt = new RttStats();
  tsValPending = -1;
  tsValPendingTimeNs = 0;

  // ── graphs ──
  readonly bytesInFlight: BoundedSeries;
  readonly receiveWindow: BoundedSeries;

  constructor(seriesMaxPoints: number) {
    this.bytesInFlight = boundedSeries(seriesMaxPoints);
    this.receiveWindow = boundedSeries(seriesMaxPoints);
  }

  /**
   * The receive window this direction advertises, scaled when the scale is known. A shift (not
   * `2 **`, which V8 runs as a pow() call) is exact: a 16-bit field shifted by at most 14 stays
   * below 2^30.
   */
  scaledWindow(raw: number): number {
    return this.winScale === WindowScale.KNOWN ? raw << this.winScaleShift : raw;
  }

  release(): void {
    this.unacked.release();
    this.ackRtt.release();
    this.tsRtt.release();
    this.bytesInFlight.release();
    this.receiveWindow.release();
  }
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new DirectionState(0), [
  "baseSeq",
  "nextSeq",
  "nextSeqTimeNs",
  "maxSeqToBeAcked",
  "lastAck",
  "lastAckTimeNs",
  "tsValPending",
  "tsValPendingTimeNs",
  "firstFinTimeNs",
  "finEndSeq",
  "firstPayloadTimeNs",
  "lastPayloadTimeNs",
]);
