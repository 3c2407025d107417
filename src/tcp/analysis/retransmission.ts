/**
 * Retransmission: the segment carries data (or a SYN or FIN) at a sequence number already sent —
 * the sender resent it, normally after its retransmission timer expired (RFC 6298). Wireshark:
 * "Set when all of the following are true: this is not a keepalive packet; in the forward
 * direction, the segment length is greater than zero or the SYN or FIN flag is set; the next
 * expected sequence number is greater than the current sequence number" — and none of spurious
 * retransmission, fast retransmission or out-of-order applies. A segment that starts one byte
 * before the next expected sequence number and carries more than one byte is new data after a
 * zero-window probe, not a retransmission.
 */
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

export const retransmission: SegmentClassifier = {
  name: "retransmission",
  flag: AnalysisFlag.RETRANSMISSION,
  skipIf:
    AnalysisFlag.KEEP_ALIVE |
    AnalysisFlag.SPURIOUS_RETRANSMISSION |
    AnalysisFlag.FAST_RETRANSMISSION |
    AnalysisFlag.OUT_OF_ORDER,
  appliesTo: SegmentShape.NOT_ADVANCED,
  classify(s: Segment): boolean {
    return s.seqNotAdvanced;
  },
};
