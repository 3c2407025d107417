/**
 * bandwidth-bottleneck (network): a bulk transfer that ran at a steady rate (a plateau) with no
 * loss, no closed or full receive window and no pause: the only thing that bounds a TCP sender in
 * that state is the narrowest link's capacity (the "bottleneck bandwidth" of BBR, Cardwell et al.,
 * ACM Queue 14(5), 2016; Jain's packet-pair reasoning). The path, not either end, set the pace.
 *
 * Rule: one side sent at least BOTTLENECK_MIN_BYTES over at least BOTTLENECK_MIN_MS in at most
 * BOTTLENECK_MAX_TURNS turns (a bulk transfer, not a request loop paced by the peer); none of it
 * was retransmitted; fewer than BOTTLENECK_MAX_WINDOW_FULL_SHARE of its segments filled the
 * receiver's window and the receiver never advertised zero; the rate per time bucket varies by
 * at most BOTTLENECK_MAX_RATE_VARIATION (coefficient of variation). Cost: the transfer's duration.
 */
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { sideName } from "../side-layer.ts";

export const BANDWIDTH_BOTTLENECK = "bandwidth-bottleneck";

/** 256 KiB: well past slow start's first round trips (RFC 6928's initial window is 10 segments). */
export const BOTTLENECK_MIN_BYTES = 256 * 1024;
/** Shorter transfers are not worth a finding (WARNING_COST_MS is 100 ms). */
export const BOTTLENECK_MIN_MS = 200;
/**
 * A bulk transfer starts once or twice after the peer spoke (a request, an Expect: 100-continue);
 * a keep-alive loop of requests is paced by the client, not the path.
 */
export const BOTTLENECK_MAX_TURNS = 2;
/** A plateau: the per-bucket rate's standard deviation within 30% of its mean. */
export const BOTTLENECK_MAX_RATE_VARIATION = 0.3;
/** Whole buckets the plateau needs, to be a plateau and not a burst. */
export const BOTTLENECK_MIN_BUCKETS = 6;
/** A receiver-bound transfer fills the window on most round trips; a path-bound one rarely. */
export const BOTTLENECK_MAX_WINDOW_FULL_SHARE = 0.02;

export const bandwidthBottleneckKind: FindingKind = {
  kind: BANDWIDTH_BOTTLENECK,
  costSeverityCap: "warning",
  confidence: 0.7,
  describe(group) {
    const mbit = group.fact("rateKbitPerSec") / 1000;
    return {
      title: `Bandwidth bottleneck: ${(group.fact("bytes") / 1024).toFixed(0)} KiB at a steady ${mbit.toFixed(1)} Mbit/s took ${msText(group.costMs)}`,
      explanation: `The ${group.text("sender")} sent at a steady ${mbit.toFixed(1)} Mbit/s from frame ${group.first.frames[0]} to frame ${group.first.frames[1]}, with no loss, no full or closed receive window and no pause: nothing but the capacity of the narrowest link on the path limited it. The transfer took as long as its size divided by that rate.`,
      advice:
        "Send fewer bytes (compression, smaller images or payloads, caching, range requests), move the data closer (CDN, same region), or get a faster link; check for a rate limiter or traffic shaper (tc, a cloud instance's bandwidth cap) on the path.",
    };
  },
};

export const bandwidthBottleneckRule: RuleFactory = (context: RuleContext) => ({
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    if (track === undefined) return;
    for (let side = 0; side < 2; side++) {
      const transfer = track.transfers[side];
      if (transfer === undefined) continue;
      const durationMs = transfer.durationMs;
      if (transfer.bytes < BOTTLENECK_MIN_BYTES || durationMs < BOTTLENECK_MIN_MS) continue;
      if (transfer.turns > BOTTLENECK_MAX_TURNS) continue;
      const sent = side === 0 ? summary.toServer : summary.toClient;
      const received = side === 0 ? summary.toClient : summary.toServer;
      if (sent.retransmissions > 0 || received.zeroWindows > 0) continue;
      const windowBound = Math.max(transfer.windowFull, transfer.windowLimited);
      if (windowBound > transfer.segments * BOTTLENECK_MAX_WINDOW_FULL_SHARE) continue;
      const variation = transfer.rateVariation(BOTTLENECK_MIN_BUCKETS);
      if (!(variation <= BOTTLENECK_MAX_RATE_VARIATION)) continue;
      context.sink.add({
        kind: BANDWIDTH_BOTTLENECK,
        layer: "network",
        severity: severityForCost(durationMs, false),
        count: 1,
        costMs: durationMs,
        endpoint: endpointText(summary.server),
        frames: [transfer.firstFrame, transfer.lastFrame],
        connection: summary.stream,
        exchange: -1,
        facts: {
          sender: sideName(side),
          bytes: transfer.bytes,
          rateKbitPerSec: Math.round((transfer.bytes * 8) / durationMs),
          rateVariation: Math.round(variation * 1000) / 1000,
        },
      });
    }
  },
});
