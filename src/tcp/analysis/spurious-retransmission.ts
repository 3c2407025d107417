/**
 * Spurious retransmission: the sender sent data again that the receiver had already
 * acknowledged — the retransmission was unnecessary (a too-short RTO, or the ACK was delayed or
 * lost; RFC 3522, RFC 5682). Wireshark: "Checks for a retransmission based on analysis data in
 * the reverse direction. Set when all of the following are true: the SYN or FIN flag is set or
 * the segment contains data; this is not a keep-alive packet; the segment length is greater than
 * zero; data for this flow has been acknowledged (the last-seen acknowledgment number has been
 * set); the next sequence number is less than or equal to the last-seen acknowledgment number."
 * Precedence: first of the retransmission family; it also counts as a retransmission.
 */
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import { seqLe } from "../seq32.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

export const spuriousRetransmission: SegmentClassifier = {
  name: "spuriousRetransmission",
  flag: AnalysisFlag.SPURIOUS_RETRANSMISSION,
  skipIf: AnalysisFlag.KEEP_ALIVE,
  appliesTo: SegmentShape.ONE_BYTE | SegmentShape.LONGER,
  classify(s: Segment): boolean {
    return (
      s.lenBytes > 0 &&
      s.rev.hasLastAck &&
      s.rev.lastAck !== 0 &&
      seqLe((s.seq + s.lenBytes) >>> 0, s.rev.lastAck)
    );
  },
};
