/**
 * Previous segment not captured ("lost segment"): the segment starts beyond the highest sequence
 * number seen so far in its direction, so something in between was not captured (lost on the
 * network before the capture point, or dropped by the capture). Wireshark: "Set when the current
 * sequence number is greater than the next expected sequence number." RST segments are exempt.
 * Side effect: bytes-in-flight tracking of the direction pauses until the peer ACKs again.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import { seqGt } from "../seq32.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

export const lostSegment: SegmentClassifier = {
  name: "lostSegment",
  flag: AnalysisFlag.LOST_SEGMENT,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.ANY,
  classify(s: Segment): boolean {
    if (!s.fwd.hasNextSeq || !seqGt(s.seq, s.fwd.nextSeq) || (s.tcpFlags & TcpFlag.RST) !== 0) {
      return false;
    }
    s.fwd.validBif = false;
    return true;
  },
};
