/**
 * Zero window probe ACK: the receiver's answer to a zero window probe — an empty segment repeating
 * its sequence and ACK numbers with the window still zero. Wireshark: "Set when all of the
 * following are true: the segment size is zero; the window size is zero; the sequence number is
 * equal to the next expected sequence number; the acknowledgment number is equal to the last-seen
 * acknowledgment number; the last-seen packet in the reverse direction was a zero window probe."
 * It takes precedence over duplicate ACK.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const zeroWindowProbeAck: SegmentClassifier = {
  name: "zeroWindowProbeAck",
  flag: AnalysisFlag.ZERO_WINDOW_PROBE_ACK,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE | AnalysisFlag.KEEP_ALIVE_ACK,
  appliesTo: SegmentShape.EMPTY,
  classify(s: Segment): boolean {
    return (
      s.lenBytes === 0 &&
      s.window === 0 &&
      s.window === s.fwd.window &&
      s.fwd.hasNextSeq &&
      s.seq === s.fwd.nextSeq &&
      s.ack === s.fwd.lastAck &&
      (s.rev.lastSegmentFlags & AnalysisFlag.ZERO_WINDOW_PROBE) !== 0 &&
      (s.tcpFlags & SYN_FIN_RST) === 0
    );
  },
};
