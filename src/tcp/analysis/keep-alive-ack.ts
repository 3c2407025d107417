/**
 * Keep-alive ACK: the answer to a keep-alive — an empty segment repeating the sender's previous
 * sequence, ACK and window, right after a keep-alive from the peer. Wireshark: "Set when all of
 * the following are true: the segment size is zero; the window size is non-zero and hasn't
 * changed; the current sequence number is the same as the next expected sequence number; the
 * current acknowledgment number is the same as the last-seen acknowledgment number; the most
 * recently seen segment in the reverse direction was a keep-alive; the packet is not a SYN, FIN,
 * or RST." It takes precedence over duplicate ACK.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const keepAliveAck: SegmentClassifier = {
  name: "keepAliveAck",
  flag: AnalysisFlag.KEEP_ALIVE_ACK,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.EMPTY,
  classify(s: Segment): boolean {
    return (
      s.lenBytes === 0 &&
      s.window !== 0 &&
      s.window === s.fwd.window &&
      s.fwd.hasNextSeq &&
      s.seq === s.fwd.nextSeq &&
      s.ack === s.fwd.lastAck &&
      (s.rev.lastSegmentFlags & AnalysisFlag.KEEP_ALIVE) !== 0 &&
      (s.tcpFlags & SYN_FIN_RST) === 0
    );
  },
};
