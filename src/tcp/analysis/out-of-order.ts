/**
 * Out-of-order: a segment that does not advance the sequence space, seen shortly after the
 * highest one — it was sent (or reordered on the path) before the segment that overtook it,
 * rather than sent again. Wireshark: "Set when all of the following are true: this is not a
 * keep-alive packet; in the forward direction, the segment length is greater than zero or the
 * SYN or FIN is set; the next expected sequence number is greater than the current sequence
 * number; the next expected sequence number is different than the current sequence number plus
 * the segment length; the last segment arrived within the Out-Of-Order RTT threshold" — the
 * connection's initial RTT, or 3 ms when it is not known.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

/** Wireshark packet-tcp.c: the out-of-order window when the initial RTT is unknown. */
export const OUT_OF_ORDER_DEFAULT_LIMIT_NS = 3_000_000;

export const outOfOrder: SegmentClassifier = {
  name: "outOfOrder",
  flag: AnalysisFlag.OUT_OF_ORDER,
  skipIf:
    AnalysisFlag.KEEP_ALIVE |
    AnalysisFlag.SPURIOUS_RETRANSMISSION |
    AnalysisFlag.FAST_RETRANSMISSION,
  appliesTo: SegmentShape.NOT_ADVANCED,
  classify(s: Segment): boolean {
    if (!s.seqNotAdvanced) return false;
    const sinceHighestNs = s.timeNs - s.fwd.nextSeqTimeNs;
    const synFin = (s.tcpFlags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0;
    return (
      sinceHighestNs >= 0 &&
      sinceHighestNs < s.outOfOrderLimitNs &&
      s.fwd.nextSeq !== (s.seq + s.lenBytes + synFin) >>> 0
    );
  },
};
