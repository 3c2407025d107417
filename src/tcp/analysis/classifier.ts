/**
 * A classifier decides one analysis flag for one segment. The analyzer runs them in the order of
 * CLASSIFIERS (analysis/index.ts); `skipIf` carries Wireshark's precedence as data: a classifier
 * does not run when the segment already has any of those flags (packet-tcp.c expresses the same
 * with `goto finished_fwd` and `goto finished_checking_retransmission_type`).
 *
 * `classify` sees the state of both directions *before* this segment updates it. Classifiers that
 * own a counter (duplicate ACK, ACKed unseen) update it, and say so at the top of their file.
 */
import type { AnalysisFlagName } from "../flags.ts";
import type { Segment } from "../segment.ts";

export interface SegmentClassifier {
  readonly name: AnalysisFlagName;
  readonly flag: number;
  readonly skipIf: number;
  /**
   * SegmentShape bits of the segments this classifier can flag; it is not called for others.
   * Must cover every segment for which `classify` could return true or change state.
   */
  readonly appliesTo: number;
  classify(s: Segment): boolean;
}
