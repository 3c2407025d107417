/**
 * capture-ended (information): the capture stopped while requests were still in progress, so
 * their outcome is not in it. Three shapes:
 * - a SYN sent shortly before the capture's last packet, not retried, unanswered: the client's
 *   first retry was not yet due (capture-end.ts, SYN_FIRST_RETRY_MAX_MS), so the SYN/ACK may
 *   simply not have arrived yet;
 * - a DNS query asked shortly before the end, not retried, unanswered (the resolver's first
 *   timeout, DNS_FIRST_RETRY_MAX_MS, had not passed);
 * - an exchange whose response had not ended (outcome "truncated": the connection was still open
 *   and the response incomplete when the packets stop).
 * None of them is a failure (a capture is a window, not the whole story): reported so that the
 * reader knows the last requests are unfinished, with how close to the end each was (timeLeftMs:
 * from its last packet to the capture's last packet).
 *
 * Cost 0: the time these requests waited so far is already in their exchanges' phases (and is
 * charged there), and what they would have waited after the capture is unknown.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import { synInProgressAtEnd, synTimeLeftMs } from "../capture-end.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText, spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const CAPTURE_ENDED = "capture-ended";

export const captureEndedKind: FindingKind = {
  kind: CAPTURE_ENDED,
  costSeverityCap: "info",
  confidence: 0.9,
  describe(group) {
    const what = group.text("what");
    return {
      title: `The capture ended during ${plural(group.count, what === "connection attempt" ? "connection attempt" : "request")} to ${group.endpoint || "the server"}: outcome unknown`,
      explanation: `${group.count > 1 ? `${plural(group.count, "request")} were` : `The ${what} (${group.text("request")}) was`} still in progress when the capture stopped, ${msText(group.fact("timeLeftMs"))} after ${group.count > 1 ? "the latest of them" : "its"} last packet (frames ${group.first.frames.join(", ")}): ${what === "connection attempt" ? "the SYN had no answer yet, but the client's first retry was not even due" : what === "lookup" ? "the query had no answer yet, but the resolver's first timeout had not passed" : "the response had not ended"}. That is the end of the capture, not a failure.`,
      advice:
        "Capture a little longer (or stop the capture after the client has finished) to see how these requests ended.",
    };
  },
};

export const captureEndedRule: RuleFactory = (context: RuleContext) => ({
  onConnection(summary: ConnectionSummary, _track: ConnectionTrack | undefined): void {
    if (!synInProgressAtEnd(summary, context.clock)) return;
    context.sink.add({
      kind: CAPTURE_ENDED,
      layer: "network",
      severity: "info",
      count: 1,
      costMs: 0,
      endpoint: endpointText(summary.server),
      frames: [summary.firstFrame],
      connection: summary.stream,
      exchange: -1,
      facts: {
        what: "connection attempt",
        request: `SYN to ${endpointText(summary.server)}`,
        timeLeftMs: roundMs(synTimeLeftMs(summary, context.clock)),
      },
    });
  },

  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    if (exchange.outcome !== "truncated") return;
    const lastPhase = exchange.phases[exchange.phases.length - 1];
    const lastFrame = exchange.response?.lastFrame || exchange.request.lastFrame;
    const endMs = exchange.startMs + exchange.durationMs;
    context.sink.add({
      kind: CAPTURE_ENDED,
      layer: lastPhase?.layer ?? (exchange.protocol === "dns" ? "dns" : "server-app"),
      severity: "info",
      count: 1,
      costMs: 0,
      endpoint: spacedEndpointText(exchange.server),
      frames:
        lastFrame > 0 ? [exchange.request.firstFrame, lastFrame] : [exchange.request.firstFrame],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: {
        what: exchange.protocol === "dns" ? "lookup" : "request",
        request: requestLabel(exchange),
        timeLeftMs: roundMs(Math.max(0, context.clock.lastTimeMs - endMs)),
      },
    });
  },
});
