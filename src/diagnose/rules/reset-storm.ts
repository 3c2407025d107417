/**
 * reset-storm (server-app or client-app): one server endpoint had many connections ended by a
 * reset in a short time — a load balancer or proxy resetting its backends' connections, a server
 * shedding load with SO_LINGER 0, a client pool aborting on a timeout, a firewall's session table
 * purge.
 *
 * Rule: at least RESET_STORM_MIN_CONNECTIONS connections at the endpoint that had opened
 * (not refused: that is syn-flood's or connection-refused's) and carry a reset, at
 * RESET_STORM_MIN_RATE_PER_S or more (first reset → last). Charged to the side that sent most
 * of the resets (server-app, or client-app). The per-cause reset findings at the endpoint stay:
 * they say why (reset-unread-data, abortive-reset, middlebox-reset); this one says how many and how
 * fast.
 *
 * Cost: the storm's span, first reset → last. Evidence: counts by sender, the rate, top client
 * addresses. A failure: error.
 */
import type { ConnectionSummary } from "../../tcp/types.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { SourceTally } from "../source-tally.ts";

export const RESET_STORM = "reset-storm";
/** Connections reset at one endpoint. */
export const RESET_STORM_MIN_CONNECTIONS = 1000;
/** Resets per second, first to last. */
export const RESET_STORM_MIN_RATE_PER_S = 100;
export const RESET_STORM_MAX_ENDPOINTS = 20_000;
const FRAMES_KEPT = 5;
const TOP_SOURCES = 5;

class Resets {
  connections = 0;
  byServer = 0;
  byClient = 0;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  readonly frames: number[] = [];
  readonly clients = new SourceTally();
}

export const resetStormKind: FindingKind = {
  kind: RESET_STORM,
  costSeverityCap: "warning",
  confidence: 0.7,
  describe(group) {
    const f = group.first.facts;
    return {
      title: `Reset storm at ${group.endpoint || "a server"}: ${plural(group.count, "connection")} reset, ${f.ratePerS}/s`,
      explanation: `In ${msText(Number(f.spanMs))}, ${plural(group.count, "connection")} to this endpoint ended with a reset, ${f.ratePerS} per second: ${f.byServer} reset by the server, ${f.byClient} by the client (top clients: ${f.topClients}). So many at once is one event, not bad luck: a proxy or load balancer resetting its connections, a server shedding load with abortive closes, a client pool giving up on a timeout, or a firewall flushing its state table. The reset findings beside this one say why each was reset.`,
      advice:
        "Look at what happened on the resetting side at that moment: a restart or deploy, an idle or request timeout firing for every connection at once, a connection limit, a state-table flush. Make clients retry with backoff and jitter so one event does not synchronise them.",
    };
  },
};

export const resetStormRule: RuleFactory = (context: RuleContext) => {
  const byEndpoint = new Map<string, Resets>();
  return {
    onConnection(summary: ConnectionSummary): void {
      if (summary.resets.length === 0 || summary.state === "REJ") return;
      if (summary.handshake.synUnanswered) return;
      const endpoint = endpointText(summary.server);
      let r = byEndpoint.get(endpoint);
      if (r === undefined) {
        if (byEndpoint.size >= RESET_STORM_MAX_ENDPOINTS) return;
        r = new Resets();
        byEndpoint.set(endpoint, r);
      }
      const reset = summary.resets[0]!;
      r.connections++;
      if (reset.sentBy === "server") r.byServer++;
      else r.byClient++;
      const atMs = summary.startMs + reset.atMs;
      r.firstMs = Math.min(r.firstMs, atMs);
      r.lastMs = Math.max(r.lastMs, atMs);
      if (r.frames.length < FRAMES_KEPT) r.frames.push(reset.frame);
      r.clients.add(summary.client.address);
    },
    finish(): void {
      for (const [endpoint, r] of byEndpoint) {
        if (r.connections < RESET_STORM_MIN_CONNECTIONS) continue;
        const spanMs = Math.max(0, r.lastMs - r.firstMs);
        const ratePerS = r.connections / Math.max(spanMs / 1000, 0.001);
        if (ratePerS < RESET_STORM_MIN_RATE_PER_S) continue;
        context.sink.add({
          kind: RESET_STORM,
          layer: r.byServer >= r.byClient ? "server-app" : "client-app",
          severity: "error",
          count: r.connections,
          costMs: spanMs,
          spanMs: [r.firstMs, r.lastMs],
          endpoint,
          frames: r.frames,
          connection: -1,
          exchange: -1,
          facts: {
            byServer: r.byServer,
            byClient: r.byClient,
            spanMs: roundMs(spanMs),
            ratePerS: Math.round(ratePerS),
            clients: r.clients.capped ? `≥ ${r.clients.distinct}` : r.clients.distinct,
            topClients: r.clients.topText(TOP_SOURCES),
          },
        });
      }
    },
  };
};
