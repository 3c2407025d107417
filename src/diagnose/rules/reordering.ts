/**
 * reordering (network): segments that arrived after a segment sent later, without having been
 * lost: Wireshark's tcp.analysis.out_of_order ("the segment's sequence number is lower than the
 * next expected one, and it came within the initial RTT of the highest segment", user guide,
 * "TCP Analysis"). Paths with several links (ECMP, link bonding) or parallel queues reorder;
 * RFC 4737 defines the metric. The receiver answers with duplicate ACKs, and beyond the
 * duplicate-ACK threshold the sender retransmits needlessly (RFC 5681 §3.2).
 *
 * Cost: for each out-of-order segment, how late it came after the later segment that overtook
 * it. Usually small: reported as information.
 */
import type { PassPacket } from "../../exchange/types.ts";
import { AnalysisFlag } from "../../tcp/flags.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { sideName } from "../side-layer.ts";

export const REORDERING = "reordering";

class ReorderingState {
  readonly segments = [0, 0];
  readonly costMs = [0, 0];
  readonly firstFrame = [0, 0];
}

export const reorderingKind: FindingKind = {
  kind: REORDERING,
  costSeverityCap: "info",
  confidence: 0.7,
  describe(group) {
    return {
      title: `Reordering: ${plural(group.count, "segment")} arrived out of order`,
      explanation: `Segments arrived after segments sent later (first at frame ${group.first.frames[0]}), without loss: the path delivers packets by more than one route or queue. The receiver sends duplicate ACKs for each, and enough of them make the sender retransmit needlessly and shrink its congestion window. They were late by ${msText(group.costMs)} in all.`,
      advice:
        "Usually harmless at this rate. If it is frequent, look for per-packet load balancing (ECMP without flow hashing, bonded links in round-robin mode) on the path; Linux adapts its reordering threshold (net.ipv4.tcp_reordering) per connection.",
    };
  },
};

export const reorderingRule: RuleFactory = (context: RuleContext) => ({
  onDataPacket(packet: PassPacket, track: ConnectionTrack): void {
    if ((packet.flags & AnalysisFlag.OUT_OF_ORDER) === 0) return;
    // packet-loss (earlier in RULES) found it to be a resend of bytes already seen: not reordering.
    if (track.resentFrame === packet.record.frame) return;
    const side = packet.fromClient ? 0 : 1;
    let state = track.slots[context.slot] as ReorderingState | undefined;
    if (state === undefined) {
      state = new ReorderingState();
      track.slots[context.slot] = state;
    }
    if (state.segments[side] === 0) state.firstFrame[side] = packet.record.frame;
    state.segments[side]!++;
    const overtakenAtMs = track.lastDataMs[side]!;
    if (overtakenAtMs >= 0 && packet.timeMs > overtakenAtMs) {
      state.costMs[side]! += packet.timeMs - overtakenAtMs;
    }
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    const state = track?.slots[context.slot] as ReorderingState | undefined;
    if (state === undefined) return;
    for (let side = 0; side < 2; side++) {
      const segments = state.segments[side]!;
      if (segments === 0) continue;
      context.sink.add({
        kind: REORDERING,
        layer: "network",
        severity: "info",
        count: segments,
        costMs: state.costMs[side]!,
        endpoint: endpointText(summary.server),
        frames: [state.firstFrame[side]!],
        connection: summary.stream,
        exchange: -1,
        facts: { sender: sideName(side), segments },
      });
    }
  },
});
