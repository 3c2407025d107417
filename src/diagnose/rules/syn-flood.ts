/**
 * syn-flood (network): one server endpoint got many connection attempts that never opened — SYNs
 * left unanswered or refused — from many source ports or addresses in a short time: a SYN flood
 * (RFC 4987 §2: an attacker, often with spoofed addresses, fills the listener's SYN queue with
 * half-open connections), or a fleet of clients retrying against a dead service as fast as it can
 * (a retry storm looks the same on the wire, and the advice differs: see the explanation).
 *
 * Rule: at least SYN_FLOOD_MIN_ATTEMPTS half-open attempts at the endpoint (Zeek's S0 and REJ
 * connections; each refused SYN counts: refused-attempts.ts), from at least
 * SYN_FLOOD_MIN_SOURCES distinct source ports or addresses, at SYN_FLOOD_MIN_RATE_PER_S or more
 * (attempts over the time from the first to the last). One finding stands for all of them: the
 * syn-unanswered and connection-refused findings at that endpoint are withdrawn, and the
 * capture-ended one for its last SYNs when it holds no more than the flood's attempts.
 *
 * Cost: the flood's span, first attempt → last (the time the listener was under it). Evidence:
 * counts (unanswered, refused), the rate, distinct sources, the top sources. A failure: error.
 */
import type { ConnectionSummary } from "../../tcp/types.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { refusedAttempts } from "../refused-attempts.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { SourceTally } from "../source-tally.ts";
import { CAPTURE_ENDED } from "./capture-ended.ts";
import { CONNECTION_REFUSED } from "./connection-refused.ts";
import { SYN_UNANSWERED } from "./syn-unanswered.ts";

export const SYN_FLOOD = "syn-flood";
/** Half-open attempts at one endpoint: well past any client's retries (http_espn_fail: 9). */
export const SYN_FLOOD_MIN_ATTEMPTS = 1000;
/** Distinct source ports or addresses: not one client's retry schedule on one port. */
export const SYN_FLOOD_MIN_SOURCES = 100;
/** Attempts per second, first to last: a burst, not a day of occasional failures. */
export const SYN_FLOOD_MIN_RATE_PER_S = 100;
/** Endpoints tracked (a scan across many endpoints is port-scan's); further ones are not. */
export const SYN_FLOOD_MAX_ENDPOINTS = 20_000;
/** Source ports counted one by one per endpoint: enough to tell "many". */
const PORTS_COUNTED = SYN_FLOOD_MIN_SOURCES;
/** Top sources quoted. */
const TOP_SOURCES = 5;
/** First frames kept as evidence. */
const FRAMES_KEPT = 5;

class Attempts {
  attempts = 0;
  unanswered = 0;
  refused = 0;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  readonly frames: number[] = [];
  readonly sources = new SourceTally();
  readonly ports = new Set<number>();
}

export const synFloodKind: FindingKind = {
  kind: SYN_FLOOD,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const f = group.first.facts;
    return {
      title: `SYN flood at ${group.endpoint || "a server"}: ${plural(group.count, "connection attempt")} never opened, ${f.ratePerS}/s from ${f.sources} ${f.sources === 1 ? "address" : "addresses"}`,
      explanation: `In ${msText(Number(f.spanMs))} the endpoint got ${plural(group.count, "SYN")} that opened no connection: ${f.unanswered} went unanswered, ${f.refused} were refused with a reset — ${f.ratePerS} per second from ${f.sources} source ${f.sources === 1 ? "address" : "addresses"} and ${f.sourcePorts} source ports (top: ${f.topSources}). That is a SYN flood (RFC 4987), spoofed or not, or a fleet of clients retrying against a dead or overloaded service as fast as they can; either fills the listener's SYN queue and crowds out real clients. The individual unanswered and refused attempts are counted here, not listed one by one.`,
      advice:
        "If the sources are not your clients: make sure SYN cookies are on (`net.ipv4.tcp_syncookies = 1`), raise `net.ipv4.tcp_max_syn_backlog` and the listen backlog, and rate-limit or filter upstream (DDoS protection, `iptables -m hashlimit`). If they are your clients: they retry without backoff — add exponential backoff with jitter and a circuit breaker, and find why the service stopped answering (is it listening, is its accept queue full: `wirewhy host`, `ss -ltn`).",
    };
  },
};

export const synFloodRule: RuleFactory = (context: RuleContext) => {
  const byEndpoint = new Map<string, Attempts>();
  return {
    onConnection(summary: ConnectionSummary): void {
      const refused = summary.state === "REJ";
      if (!summary.handshake.synUnanswered && !refused) return;
      const endpoint = endpointText(summary.server);
      let a = byEndpoint.get(endpoint);
      if (a === undefined) {
        if (byEndpoint.size >= SYN_FLOOD_MAX_ENDPOINTS) return;
        a = new Attempts();
        byEndpoint.set(endpoint, a);
      }
      const n = refused ? refusedAttempts(summary) : 1;
      a.attempts += n;
      if (refused) a.refused += n;
      else a.unanswered += n;
      a.firstMs = Math.min(a.firstMs, summary.startMs);
      a.lastMs = Math.max(a.lastMs, summary.startMs + Math.max(0, summary.durationMs));
      if (a.frames.length < FRAMES_KEPT) a.frames.push(summary.firstFrame);
      a.sources.add(summary.client.address, n);
      if (a.ports.size < PORTS_COUNTED) a.ports.add(summary.client.port);
    },
    finish(): void {
      for (const [endpoint, a] of byEndpoint) {
        if (a.attempts < SYN_FLOOD_MIN_ATTEMPTS) continue;
        if (a.ports.size < SYN_FLOOD_MIN_SOURCES && a.sources.distinct < SYN_FLOOD_MIN_SOURCES) {
          continue;
        }
        const spanMs = Math.max(0, a.lastMs - a.firstMs);
        const ratePerS = a.attempts / Math.max(spanMs / 1000, 0.001);
        if (ratePerS < SYN_FLOOD_MIN_RATE_PER_S) continue;
        context.sink.withdraw?.(SYN_UNANSWERED, endpoint, a.attempts);
        context.sink.withdraw?.(CONNECTION_REFUSED, endpoint, a.attempts);
        // The flood's last SYNs, still within their first retry interval at the end.
        context.sink.withdraw?.(CAPTURE_ENDED, endpoint, a.attempts);
        context.sink.add({
          kind: SYN_FLOOD,
          layer: "network",
          severity: "error",
          count: a.attempts,
          costMs: spanMs,
          spanMs: [a.firstMs, a.lastMs],
          endpoint,
          frames: a.frames,
          connection: -1,
          exchange: -1,
          facts: {
            attempts: a.attempts,
            unanswered: a.unanswered,
            refused: a.refused,
            spanMs: roundMs(spanMs),
            ratePerS: Math.round(ratePerS),
            sources: a.sources.capped ? `≥ ${a.sources.distinct}` : a.sources.distinct,
            sourcePorts: a.ports.size >= PORTS_COUNTED ? `≥ ${PORTS_COUNTED}` : a.ports.size,
            topSources: a.sources.topText(TOP_SOURCES),
          },
        });
      }
    },
  };
};
