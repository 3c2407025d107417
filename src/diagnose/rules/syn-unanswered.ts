/**
 * syn-unanswered (network): the client sent SYNs and nothing came back, neither SYN/ACK nor RST
 * (Zeek's conn_state S0). A host that is up answers a SYN either way (RFC 9293 §3.10.7.1: a closed
 * port answers RST), so silence means the packets were dropped on the way: a firewall or security
 * group DROP rule, a wrong route, a host that is down. The client retries on its SYN schedule
 * (Linux 6.5+: tcp_syn_linear_timeouts = 4 retries 1 s apart, then exponential) until its connect
 * timeout.
 *
 * Cost: first SYN → the connection's last packet (the client waited at least that long; its own
 * timeout, after the last retry, is not on the wire). Attempts made in parallel cover the same
 * time once (a group's cost is the union of their spans). A failure: severity error.
 *
 * A single SYN the capture ended on before the client's first retry was due is not known to be
 * unanswered: capture-ended reports it (capture-end.ts).
 */
import type { ConnectionSummary } from "../../tcp/types.ts";
import { synInProgressAtEnd } from "../capture-end.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const SYN_UNANSWERED = "syn-unanswered";

export const synUnansweredKind: FindingKind = {
  kind: SYN_UNANSWERED,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    return {
      title: `No answer from ${group.endpoint || "the server"}: ${plural(group.count, "connection attempt")} timed out`,
      explanation: `${group.count > 1 ? `${plural(group.count, "connection attempt")} went unanswered, ${msText(group.costMs)} of waiting in all (parallel attempts counted once); the longest: the client` : "The client"} sent ${plural(group.fact("syns"), "SYN")} (frames ${group.first.frames.join(", ")}) over ${msText(group.fact("waitMs"))} and got neither a SYN/ACK nor a reset. A running host answers a SYN even when nothing listens (with a reset), so the packets were silently dropped: a firewall or security-group DROP rule, a wrong route, or the host is down.`,
      advice:
        "Check the path to the server: firewall/security-group rules for this port (a DROP instead of a REJECT makes clients hang), routes, and whether the host is up (`ping`, `traceroute -T -p PORT`, a capture on the server to see whether the SYNs arrive). Use a shorter connect timeout so clients fail fast.",
    };
  },
};

export const synUnansweredRule: RuleFactory = (context: RuleContext) => ({
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    if (!summary.handshake.synUnanswered || synInProgressAtEnd(summary, context.clock)) return;
    const syns = summary.handshake.synRetries + 1;
    const frames =
      track !== undefined && track.firstSynFrame > 0
        ? [track.firstSynFrame, track.lastSynFrame]
        : [summary.firstFrame, summary.lastFrame];
    context.sink.add({
      kind: SYN_UNANSWERED,
      layer: "network",
      severity: "error",
      count: 1,
      costMs: Math.max(0, summary.durationMs),
      endpoint: endpointText(summary.server),
      frames,
      connection: summary.stream,
      exchange: -1,
      facts: { syns, waitMs: summary.durationMs },
      spanMs: [summary.startMs, summary.startMs + Math.max(0, summary.durationMs)],
    });
  },
});
