/**
 * Window full: this segment fills the receiver's advertised window exactly, so the sender must
 * stop until the receiver ACKs or opens the window. Wireshark: "Set when the segment size is
 * non-zero, we know the window size in the reverse direction, and our segment size exceeds the
 * window size in the reverse direction" — in practice, when seq + len equals the peer's last ACK
 * plus its (scaled) window. Only tested when the window scale of the receiver is known, or known
 * to be absent; the window of the receiver's SYN is never scaled. SYN/FIN/RST segments are exempt.
 */
import { TcpFlag } from "../../decode/types.ts";
import { WindowScale } from "../direction-state.ts";
import { AnalysisFlag } from "../flags.ts";
import type { Segment } from "../segment.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { SegmentShape } from "./segment-shape.ts";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export const windowFull: SegmentClassifier = {
  name: "windowFull",
  flag: AnalysisFlag.WINDOW_FULL,
  skipIf: AnalysisFlag.ZERO_WINDOW_PROBE,
  appliesTo: SegmentShape.ONE_BYTE | SegmentShape.LONGER,
  classify(s: Segment): boolean {
    const rev = s.rev;
    if (s.lenBytes === 0 || rev.winScale === WindowScale.UNKNOWN || rev.window < 0) return false;
    if ((s.tcpFlags & SYN_FIN_RST) !== 0) return false;
    const shift = rev.isFirstAck || rev.winScale === WindowScale.NONE ? 0 : rev.winScaleShift;
    // rev.window is a 16-bit field and shift at most 14 (RFC 7323 §2.3): `<<` is exact here.
    const windowEnd = (rev.lastAck + (rev.window << shift)) >>> 0;
    return (s.seq + s.lenBytes) >>> 0 === windowEnd;
  },
};
