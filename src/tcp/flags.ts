/**
 * The per-segment analysis flags, as bits of one number so that the analyzer returns a packet's
 * flags without allocating. Names and meanings follow Wireshark's user guide, "TCP Analysis"
 * (docs/tcp-analysis.md has each definition and its precedence).
 */

export const AnalysisFlag = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  /** "Previous segment not captured". */
  LOST_SEGMENT: 1 << 4,
  /** "ACKed unseen segment". */
  ACKED_UNSEEN: 1 << 5,
  DUPLICATE_ACK: 1 << 6,
  ZERO_WINDOW: 1 << 7,
  ZERO_WINDOW_PROBE: 1 << 8,
  ZERO_WINDOW_PROBE_ACK: 1 << 9,
  WINDOW_FULL: 1 << 10,
  WINDOW_UPDATE: 1 << 11,
  KEEP_ALIVE: 1 << 12,
  KEEP_ALIVE_ACK: 1 << 13,
  /** A SYN with a new ISN on a 4-tuple already in use: a new connection ("TCP Port numbers reused"). */
  REUSED_PORTS: 1 << 14,
} as const;

export type AnalysisFlagName =
  | "retransmission"
  | "fastRetransmission"
  | "spuriousRetransmission"
  | "outOfOrder"
  | "lostSegment"
  | "ackedUnseen"
  | "duplicateAck"
  | "zeroWindow"
  | "zeroWindowProbe"
  | "zeroWindowProbeAck"
  | "windowFull"
  | "windowUpdate"
  | "keepAlive"
  | "keepAliveAck"
  | "reusedPorts";

/** Bit → name, in bit order. */
export const ANALYSIS_FLAG_NAMES: readonly (readonly [number, AnalysisFlagName])[] = [
  [AnalysisFlag.RETRANSMISSION, "retransmission"],
  [AnalysisFlag.FAST_RETRANSMISSION, "fastRetransmission"],
  [AnalysisFlag.SPURIOUS_RETRANSMISSION, "spuriousRetransmission"],
  [AnalysisFlag.OUT_OF_ORDER, "outOfOrder"],
  [AnalysisFlag.LOST_SEGMENT, "lostSegment"],
  [AnalysisFlag.ACKED_UNSEEN, "ackedUnseen"],
  [AnalysisFlag.DUPLICATE_ACK, "duplicateAck"],
  [AnalysisFlag.ZERO_WINDOW, "zeroWindow"],
  [AnalysisFlag.ZERO_WINDOW_PROBE, "zeroWindowProbe"],
  [AnalysisFlag.ZERO_WINDOW_PROBE_ACK, "zeroWindowProbeAck"],
  [AnalysisFlag.WINDOW_FULL, "windowFull"],
  [AnalysisFlag.WINDOW_UPDATE, "windowUpdate"],
  [AnalysisFlag.KEEP_ALIVE, "keepAlive"],
  [AnalysisFlag.KEEP_ALIVE_ACK, "keepAliveAck"],
  [AnalysisFlag.REUSED_PORTS, "reusedPorts"],
];

/**
 * Every kind of retransmission. Wireshark's `tcp.analysis.retransmission` display filter matches
 * fast and spurious retransmissions too (both add the retransmission expert item), so a count
 * "as tshark counts frames" uses this mask.
 */
export const ANY_RETRANSMISSION =
  AnalysisFlag.RETRANSMISSION |
  AnalysisFlag.FAST_RETRANSMISSION |
  AnalysisFlag.SPURIOUS_RETRANSMISSION;

/** Names of the bits set in `bits` (allocates: for rendering, not the hot path). */
export function analysisFlagNames(bits: number): AnalysisFlagName[] {
  const out: AnalysisFlagName[] = [];
  for (const [bit, name] of ANALYSIS_FLAG_NAMES) if (bits & bit) out.push(name);
  return out;
}
