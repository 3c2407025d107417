/**
 * server-think-time (server-app): the server's time between the last request byte and its first
 * response byte, with the network taken out. The exchange stage charges the wait phase by the
 * vantage (DESIGN.md, "The vantage point decides the arithmetic": at the client, one RTT of the
 * wait is the network's; at the server, all of it is the server's; loopback sees both ends); this
 * rule reports the wait's server-app share. It is the "Waiting (TTFB)" of browser DevTools and
 * curl's time_starttransfer − time_pretransfer, without their hidden round trip.
 *
 * Reported from SERVER_THINK_MIN_MS per request; costs are summed per server endpoint.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import { chargedMs, findPhase, requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";

export const SERVER_THINK_TIME = "server-think-time";

/**
 * Below 10 ms a server answered as fast as a cached page or a trivial handler does; not a
 * finding. (The probe's rule reports from 100 ms; a capture shows each request, so a smaller
 * threshold still gives readable groups.)
 */
export const SERVER_THINK_MIN_MS = 10;

export const serverThinkTimeKind: FindingKind = {
  kind: SERVER_THINK_TIME,
  vantageDependent: true,
  costSeverityCap: "warning",
  perRequest: true,
  confidence: 0.85,
  describe(group) {
    const each = group.costMs / Math.max(1, group.count);
    return {
      title: `${msText(group.costMs)} server think time over ${plural(group.count, "request")} (worst ${msText(group.first.costMs)} on ${group.text("request")})`,
      explanation: `The server received the whole request and then took ${msText(each)} on average before the first byte of its response (worst: frames ${group.first.frames.join(" → ")}), after the network's share of the wait was taken out. That is time spent in the server application: its handler, database or upstream calls, or a queue in front of its workers.`,
      advice:
        "Profile the slow requests on the server: application logs or traces with timings, slow database queries, calls to other services, lock or worker-pool contention. Caching the result or moving the work off the request path removes it.",
    };
  },
};

export const serverThinkTimeRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    const costMs = chargedMs(exchange, ["wait"], "server-app");
    if (costMs < SERVER_THINK_MIN_MS) return;
    const wait = findPhase(exchange, "wait");
    context.sink.add({
      kind: SERVER_THINK_TIME,
      layer: "server-app",
      severity: severityForCost(costMs, false),
      count: 1,
      costMs,
      endpoint: spacedEndpointText(exchange.server),
      frames: wait?.frames ?? [exchange.request.lastFrame],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: { request: requestLabel(exchange), waitMs: wait?.durationMs ?? 0 },
    });
  },
});
