/**
 * ACKed unseen segment: this segment acknowledges data the capture never saw going the other
 * way — the capture missed it (a capture drop, or asymmetric routing), since the peer cannot ACK
 * what was never sent. Wireshark: "Set when the expected next acknowledgment number is set for
 * the reverse direction and it's less than the current acknowledgment number."
 *
 * Owns the reverse direction's "max sequence to be ACKed" mark: after a report it moves to the
 * highest sequence number seen, so the same hole is reported once; and while the reverse
 * direction sends nothing more, repeated ACKs of the same unseen data are not reported again.
 * (This matches tshark 4.0.17's frames on the shared corpus but for the cases listed in
 * docs/tcp-analysis.md.)
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import { seqGt } from "../seq32.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

export const ackedUnseen: SegmentClassifier = {
  name: "ackedUnseen",
  flag: AnalysisFlag.ACKED_UNSEEN,
  skipIf: 0,
  appliesTo: SegmentShape.ANY,
  classify(s: Segment): boolean {
    const rev = s.rev;
    if (
      !rev.hasMaxSeqToBeAcked ||
      !seqGt(s.ack, rev.maxSeqToBeAcked) ||
      (s.tcpFlags & TcpFlag.ACK) === 0
    ) {
      return false;
    }
    rev.maxSeqToBeAcked = rev.nextSeq;
    const report = rev.segments !== rev.segmentsAtAckedUnseen;
    rev.segmentsAtAckedUnseen = rev.segments;
    return report;
  },
};
