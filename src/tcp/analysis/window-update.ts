/**
 * Window update: an empty segment that repeats the sender's previous sequence and ACK numbers and
 * only changes the advertised window (RFC 9293 §3.8.6.2.2, the receiver's window update after the
 * application read data). Wireshark: "Set when the all of the following are true: the segment size
 * is zero; the window size is non-zero and not equal to the last-seen window size; the sequence
 * number is equal to the next expected sequence number; the acknowledgment number is equal to the
 * last-seen acknowledgment number; none of SYN, FIN, or RST are set."
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const windowUpdate: SegmentClassifier = {
  name: "windowUpdate",
  flag: AnalysisFlag.WINDOW_UPDATE,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.EMPTY,
  classify(s: Segment): boolean {
    return (
      s.lenBytes === 0 &&
      s.window !== 0 &&
      s.window !== s.fwd.window &&
      s.fwd.hasNextSeq &&
      s.seq === s.fwd.nextSeq &&
      s.ack === s.fwd.lastAck &&
      (s.tcpFlags & SYN_FIN_RST) === 0
    );
  },
};
