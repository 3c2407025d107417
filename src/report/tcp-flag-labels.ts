/**
 * Wireshark's words for the tcp stage's analysis flags, so `wirewhy packets` lines read like the
 * Info column of tshark ("[TCP Retransmission]", "[TCP Dup ACK #2]").
 */
import { ANALYSIS_FLAG_NAMES, AnalysisFlag, type AnalysisFlagName } from "../tcp/flags.ts";

const LABELS: Record<AnalysisFlagName, string> = {
  retransmission: "TCP Retransmission",
  fastRetransmission: "TCP Fast Retransmission",
  spuriousRetransmission: "TCP Spurious Retransmission",
  outOfOrder: "TCP Out-Of-Order",
  lostSegment: "TCP Previous segment not captured",
  ackedUnseen: "TCP ACKed unseen segment",
  duplicateAck: "TCP Dup ACK",
  zeroWindow: "TCP ZeroWindow",
  zeroWindowProbe: "TCP ZeroWindowProbe",
  zeroWindowProbeAck: "TCP ZeroWindowProbeAck",
  windowFull: "TCP Window Full",
  windowUpdate: "TCP Window Update",
  keepAlive: "TCP Keep-Alive",
  keepAliveAck: "TCP Keep-Alive ACK",
  reusedPorts: "TCP Port numbers reused",
};

/** "[TCP Retransmission] [TCP Window Full]", or "" when no flag is set. */
export function tcpFlagLabels(bits: number, dupAckNumber: number): string {
  if (bits === 0) return "";
  let out = "";
  for (const [bit, name] of ANALYSIS_FLAG_NAMES) {
    if ((bits & bit) === 0) continue;
    const label =
      bit === AnalysisFlag.DUPLICATE_ACK && dupAckNumber > 0
        ? `${LABELS[name]} #${dupAckNumber}`
        : LABELS[name];
    out += out === "" ? `[${label}]` : ` [${label}]`;
  }
  return out;
}
