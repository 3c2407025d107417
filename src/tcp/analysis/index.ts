/**
 * The ordered list of segment classifiers. Order is precedence (Wireshark packet-tcp.c
 * tcp_analyze_sequence_number, and its user guide's "TCP Analysis"): each classifier's `skipIf`
 * names the flags that, found earlier in this list, rule it out.
 *
 * 1. Sender-side flags, in Wireshark's order: a zero window probe is nothing else; keep-alive and
 *    zero-window-probe ACKs rule out duplicate ACK.
 * 2. ACKed unseen segment, whatever the above found.
 * 3. The retransmission family, only for segments that carry data or SYN/FIN: the first match of
 *    spurious retransmission, fast retransmission, out-of-order, retransmission — none of them
 *    for a keep-alive.
 */
import { ackedUnseen } from "./acked-unseen.ts";
import type { SegmentClassifier } from "./classifier.ts";
import { duplicateAck } from "./duplicate-ack.ts";
import { fastRetransmission } from "./fast-retransmission.ts";
import { keepAlive } from "./keep-alive.ts";
import { keepAliveAck } from "./keep-alive-ack.ts";
import { lostSegment } from "./lost-segment.ts";
import { outOfOrder } from "./out-of-order.ts";
import { retransmission } from "./retransmission.ts";
import { SegmentShape } from "./segment-shape.ts";
import { spuriousRetransmission } from "./spurious-retransmission.ts";
import { windowFull } from "./window-full.ts";
import { windowUpdate } from "./window-update.ts";
import { zeroWindow } from "./zero-window.ts";
import { zeroWindowProbe } from "./zero-window-probe.ts";
import { zeroWindowProbeAck } from "./zero-window-probe-ack.ts";

export type { SegmentClassifier } from "./classifier.ts";
export { SegmentShape, segmentShape } from "./segment-shape.ts";

/** Run on every TCP segment, in this order. */
export const SEGMENT_CLASSIFIERS: readonly SegmentClassifier[] = [
  zeroWindowProbe,
  zeroWindow,
  lostSegment,
  keepAlive,
  windowUpdate,
  windowFull,
  keepAliveAck,
  zeroWindowProbeAck,
  duplicateAck,
  ackedUnseen,
];

/**
 * Run, in this order, only on segments that occupy sequence space (payload, SYN or FIN). Each
 * one's `skipIf` names those before it, so the first match wins.
 */
export const RETRANSMISSION_CLASSIFIERS: readonly SegmentClassifier[] = [
  spuriousRetransmission,
  fastRetransmission,
  outOfOrder,
  retransmission,
];

/**
 * SEGMENT_CLASSIFIERS and RETRANSMISSION_CLASSIFIERS filtered by SegmentShape (indexed by the
 * shape's bits), in the same order: the per-segment loop then visits only the classifiers that can
 * flag the segment (a bulk data segment: 4 of 10 and 1 of 4) instead of testing each one's mask.
 */
export const SEGMENT_CLASSIFIERS_BY_SHAPE: readonly (readonly SegmentClassifier[])[] =
  byShape(SEGMENT_CLASSIFIERS);
export const RETRANSMISSION_CLASSIFIERS_BY_SHAPE: readonly (readonly SegmentClassifier[])[] =
  byShape(RETRANSMISSION_CLASSIFIERS);

function byShape(list: readonly SegmentClassifier[]): SegmentClassifier[][] {
  const out: SegmentClassifier[][] = [];
  for (let shape = 0; shape <= SegmentShape.ANY; shape++) {
    out.push(list.filter((c) => (c.appliesTo & shape) !== 0));
  }
  return out;
}
