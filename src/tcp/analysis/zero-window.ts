/**
 * Zero window: the sender of this segment tells its peer it cannot accept any more data (its
 * receive buffer is full: the application is not reading). Wireshark: "Set when the receive
 * window size is zero and none of SYN, FIN, or RST are set." The raw window field is tested, so
 * the scale does not matter.
 */
import { TcpFlag } from "../../decode/types.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const zeroWindow: SegmentClassifier = {
  name: "zeroWindow",
  flag: AnalysisFlag.ZERO_WINDOW,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.ANY,
  classify(s: Segment): boolean {
    return s.window === 0 && (s.tcpFlags & SYN_FIN_RST) === 0;
  },
};
