/**
 * Keep-alive: a segment with zero or one byte whose sequence number is one less than the next
 * expected one, sent to make the peer answer with an ACK (RFC 9293 §3.8.4; Linux sends it after
 * tcp_keepalive_time, 2 h by default). Wireshark: "Set when the segment size is zero or one, the
 * current sequence number is one byte less than the next expected sequence number, and none of
 * SYN, FIN, or RST are set." A keep-alive is never a retransmission.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const keepAlive: SegmentClassifier = {
  name: "keepAlive",
  flag: AnalysisFlag.KEEP_ALIVE,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.EMPTY | SegmentShape.ONE_BYTE,
  classify(s: Segment): boolean {
    return (
      s.lenBytes <= 1 &&
      s.fwd.hasNextSeq &&
      s.seq === (s.fwd.nextSeq - 1) >>> 0 &&
      (s.tcpFlags & SYN_FIN_RST) === 0
    );
  },
};
