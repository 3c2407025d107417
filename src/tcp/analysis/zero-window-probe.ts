/**
 * Zero window probe: the receiver advertised a zero window, and the sender sends exactly one byte
 * at the next expected sequence number to test whether the window has opened (RFC 9293 §3.8.6.1).
 * Wireshark: "Set when the sequence number is equal to the next expected sequence number, the
 * segment size is one, and last-seen window size in the reverse direction was zero."
 * A probe does not advance the expected sequence number. Precedence: first; a probe is nothing else.
 */
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

export const zeroWindowProbe: SegmentClassifier = {
  name: "zeroWindowProbe",
  flag: AnalysisFlag.ZERO_WINDOW_PROBE,
  skipIf: 0,
  appliesTo: SegmentShape.ONE_BYTE,
  classify(s: Segment): boolean {
    return s.lenBytes === 1 && s.fwd.hasNextSeq && s.seq === s.fwd.nextSeq && s.rev.window === 0;
  },
};
