/**
 * port-scan (network): one source address tried many destination ports and most attempts never
 * opened — refused with a reset (nothing listens) or unanswered (a firewall drops them): a port
 * scan (nmap's SYN or connect scan), or a misconfigured client walking a port range.
 *
 * Rule: one source address with half-open attempts (Zeek's S0 and REJ connections) to at least
 * PORT_SCAN_MIN_PORTS distinct destination ports, on any hosts. One finding stands for them: the
 * syn-unanswered and connection-refused findings its attempts made are withdrawn (those of other
 * clients at the same endpoints stay).
 *
 * Cost: the scan's span, first attempt → last. Evidence: ports and hosts tried, refused and
 * unanswered counts, the rate, ports that did open. A warning: nobody's request failed.
 */
import type { ConnectionSummary } from "../../tcp/types.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { refusedAttempts } from "../refused-attempts.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { SourceTally } from "../source-tally.ts";
import { CONNECTION_REFUSED } from "./connection-refused.ts";
import { SYN_UNANSWERED } from "./syn-unanswered.ts";

export const PORT_SCAN = "port-scan";
/** Distinct destination ports from one source: nmap's default scan tries 1,000. */
export const PORT_SCAN_MIN_PORTS = 100;
/** Source addresses tracked (a spoofed flood has millions; scanners are few). */
export const PORT_SCAN_MAX_SOURCES = 10_000;
/** Endpoints remembered per source, to withdraw what its attempts reported. */
const ENDPOINTS_KEPT = 70_000;
const FRAMES_KEPT = 5;

class Scanner {
  attempts = 0;
  refused = 0;
  unanswered = 0;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  readonly ports = new Set<number>();
  readonly hosts = new SourceTally();
  readonly endpoints = new Map<string, number>();
  readonly frames: number[] = [];
}

export const portScanKind: FindingKind = {
  kind: PORT_SCAN,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const f = group.first.facts;
    return {
      title: `Port scan from ${f.source}: ${f.ports} ports on ${plural(Number(f.hosts), "host")}, ${plural(group.count, "attempt")} never opened`,
      explanation: `${f.source} tried ${f.ports} destination ports on ${plural(Number(f.hosts), "host")} (${f.topHosts}) in ${msText(Number(f.spanMs))}, ${f.ratePerS} attempts per second: ${f.refused} were refused with a reset (nothing listening) and ${f.unanswered} went unanswered (dropped). That is a port scan, or a client walking a port range; its refused and unanswered attempts are counted here, not listed one by one.`,
      advice:
        "If the source is not yours, treat it as reconnaissance: block it upstream, and check which of the ports it found open should be reachable from there. If it is yours (a monitoring job, a client with a wrong port list), fix its configuration.",
    };
  },
};

export const portScanRule: RuleFactory = (context: RuleContext) => {
  const bySource = new Map<string, Scanner>();
  return {
    onConnection(summary: ConnectionSummary): void {
      const refused = summary.state === "REJ";
      if (!summary.handshake.synUnanswered && !refused) return;
      const source = summary.client.address;
      let s = bySource.get(source);
      if (s === undefined) {
        if (bySource.size >= PORT_SCAN_MAX_SOURCES) return;
        s = new Scanner();
        bySource.set(source, s);
      }
      const n = refused ? refusedAttempts(summary) : 1;
      s.attempts += n;
      if (refused) s.refused += n;
      else s.unanswered += n;
      s.firstMs = Math.min(s.firstMs, summary.startMs);
      s.lastMs = Math.max(s.lastMs, summary.startMs + Math.max(0, summary.durationMs));
      s.ports.add(summary.server.port);
      s.hosts.add(summary.server.address, n);
      const endpoint = endpointText(summary.server);
      const seen = s.endpoints.get(endpoint);
      if (seen !== undefined) s.endpoints.set(endpoint, seen + n);
      else if (s.endpoints.size < ENDPOINTS_KEPT) s.endpoints.set(endpoint, n);
      if (s.frames.length < FRAMES_KEPT) s.frames.push(summary.firstFrame);
    },
    finish(): void {
      for (const [source, s] of bySource) {
        if (s.ports.size < PORT_SCAN_MIN_PORTS) continue;
        let taken = 0;
        for (const [endpoint, n] of s.endpoints) {
          taken += context.sink.withdraw?.(SYN_UNANSWERED, endpoint, n) ?? 0;
          taken += context.sink.withdraw?.(CONNECTION_REFUSED, endpoint, n) ?? 0;
        }
        // Past FindingGroups.MAX_GROUPS endpoints, the rest were folded into one group each.
        const rest = s.attempts - taken;
        if (rest > 0) {
          const folded = context.sink.withdraw?.(SYN_UNANSWERED, "", rest) ?? 0;
          context.sink.withdraw?.(CONNECTION_REFUSED, "", rest - folded);
        }
        const spanMs = Math.max(0, s.lastMs - s.firstMs);
        const hosts = s.hosts.distinct;
        context.sink.add({
          kind: PORT_SCAN,
          layer: "network",
          severity: "warning",
          count: s.attempts,
          costMs: spanMs,
          spanMs: [s.firstMs, s.lastMs],
          endpoint: hosts === 1 ? (s.hosts.top(1)[0]?.[0] ?? "") : "",
          frames: s.frames,
          connection: -1,
          exchange: -1,
          facts: {
            source,
            ports: s.ports.size,
            hosts,
            topHosts: s.hosts.topText(3),
            refused: s.refused,
            unanswered: s.unanswered,
            spanMs: roundMs(spanMs),
            ratePerS: Math.round(s.attempts / Math.max(spanMs / 1000, 0.001)),
          },
        });
      }
    },
  };
};
