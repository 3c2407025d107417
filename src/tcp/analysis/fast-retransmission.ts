/**
 * Fast retransmission: the sender resends the segment the receiver asked for with duplicate ACKs,
 * without waiting for its retransmission timer (RFC 5681 §3.2). Wireshark: "Set when all of the
 * following are true: this is not a keepalive packet; in the forward direction, the segment size
 * is greater than zero or the SYN or FIN is set; the next expected sequence number is greater
 * than the current sequence number; we have more than two duplicate ACKs in the reverse
 * direction; the current sequence number equals the next expected acknowledgment number; we saw
 * the last acknowledgment less than 20ms ago." Counts as a retransmission too.
 */
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

/** Wireshark packet-tcp.c: a fast retransmission follows the last duplicate ACK within 20 ms. */
export const FAST_RETRANSMISSION_WINDOW_NS = 20_000_000;

export const fastRetransmission: SegmentClassifier = {
  name: "fastRetransmission",
  flag: AnalysisFlag.FAST_RETRANSMISSION,
  skipIf: AnalysisFlag.KEEP_ALIVE | AnalysisFlag.SPURIOUS_RETRANSMISSION,
  appliesTo: SegmentShape.NOT_ADVANCED,
  classify(s: Segment): boolean {
    if (!s.seqNotAdvanced) return false;
    const sinceAckNs = s.timeNs - s.rev.lastAckTimeNs;
    return (
      s.rev.dupAckCount >= 2 &&
      s.rev.lastAck === s.seq &&
      sinceAckNs >= 0 &&
      sinceAckNs < FAST_RETRANSMISSION_WINDOW_NS
    );
  },
};
