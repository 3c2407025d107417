/**
 * Duplicate ACK: an empty segment that repeats the sender's previous sequence number, ACK number
 * and (non-zero) window: the receiver got a segment it did not expect — typically one after a
 * hole — and asks again for the missing data (RFC 5681 §2 "duplicate acknowledgment"; three of
 * them trigger a fast retransmit, §3.2). Wireshark: "Set when all of the following are true: the
 * segment size is zero; the window size is non-zero and hasn't changed; the next expected
 * sequence number and last-seen acknowledgment number are non-zero (i.e., the connection has been
 * established); SYN, FIN, and RST are not set."
 *
 * Owns the direction's duplicate-ACK counter: each duplicate gets its number in the run
 * (Segment.dupAckNumber); the analyzer resets the counter when the ACK number moves.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const duplicateAck: SegmentClassifier = {
  name: "duplicateAck",
  flag: AnalysisFlag.DUPLICATE_ACK,
  skipIf:
    AnalysisFlag.ZERO_WINDOW_PROBE |
    AnalysisFlag.KEEP_ALIVE_ACK |
    AnalysisFlag.ZERO_WINDOW_PROBE_ACK,
  appliesTo: SegmentShape.EMPTY,
  classify(s: Segment): boolean {
    const fwd = s.fwd;
    if (
      s.lenBytes !== 0 ||
      s.window === 0 ||
      s.window !== fwd.window ||
      !fwd.hasNextSeq ||
      s.seq !== fwd.nextSeq ||
      s.ack !== fwd.lastAck ||
      (s.tcpFlags & SYN_FIN_RST) !== 0
    ) {
      return false;
    }
    fwd.dupAckCount++;
    s.dupAckNumber = fwd.dupAckCount;
    return true;
  },
};
