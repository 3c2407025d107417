/**
 * dns-failure (dns): a lookup that gave no usable answer: no response at all (every query and
 * retry lost, or the server down), or an error rcode (RFC 1035 §4.1.1: 2 SERVFAIL, 5 REFUSED; RFC
 * 8914 extended errors say why). NXDOMAIN (3, the name does not exist) is not an error: with
 * resolv.conf search domains most lookups try names that do not exist first; its cost alone
 * decides its severity (severity.ts). The NXDOMAINs of a search-list walk (search-walk.ts) are
 * dns-search-walk's: an NXDOMAIN is reported here once it is known to be no part of one (when
 * a later lookup breaks the client's chain, or at the end of the capture).
 * Cost: the time the client waited (first query → answer, or → its last retry when unanswered).
 * A query the capture ended on before its first retry was due is not "unanswered": capture-ended.
 * Read from the exchange stage's "dns" exchanges.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { Severity } from "../../model/finding.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { SearchWalks } from "../search-walk.ts";
import { severityForCost } from "../severity.ts";

export const DNS_FAILURE = "dns-failure";

/** RFC 1035 §4.1.1: "Name Error". */
const NXDOMAIN = 3;

export const dnsFailureKind: FindingKind = {
  kind: DNS_FAILURE,
  costSeverityCap: "warning",
  confidence: 0.9,
  describe(group) {
    const outcome = group.text("outcome");
    return {
      title: `DNS failed: ${plural(group.count, "lookup")} (${outcome} for ${group.text("name")})`,
      explanation:
        outcome === "no answer"
          ? `The query for ${group.text("name")} to ${group.endpoint} was never answered (frames ${group.first.frames.join(", ")}, ${plural(group.fact("retries"), "retry", "retries")}): the server is unreachable or down, or the packets are dropped.`
          : `The DNS server ${group.endpoint} answered the query for ${group.text("name")} with ${outcome} (frames ${group.first.frames.join(", ")}) after ${msText(group.first.costMs)}: ${outcome === "NXDOMAIN" ? "the name does not exist (a typo, a missing record, or a search-domain attempt)" : "the resolver could not resolve it (upstream failure, DNSSEC validation failure, or a policy refusal)"}.`,
      advice:
        outcome === "NXDOMAIN"
          ? "Check the name the application looks up and the records of its zone; for search-domain attempts, use fully qualified names (a trailing dot) or lower `ndots` in resolv.conf."
          : "Check the resolver's health and its reachability from the client (`dig @server name`), its upstream servers and logs; configure a second resolver.",
    };
  },
};

export const dnsFailureRule: RuleFactory = (context: RuleContext) => {
  // NXDOMAINs wait here until they are known to be no part of a search-list walk.
  const walks = new SearchWalks(
    () => {},
    (miss) => report(miss),
  );
  return {
    onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
      if (exchange.protocol !== "dns" || exchange.dns === undefined) return;
      if (exchange.response?.status === NXDOMAIN) walks.add(exchange);
      else {
        walks.add(exchange);
        report(exchange);
      }
    },
    finish(): void {
      walks.finish();
    },
  };

  function report(exchange: Exchange): void {
    const dns = exchange.dns!;
    const response = exchange.response;
    let outcome: string;
    let severity: Severity = "error";
    if (response === null) {
      // Asked just before the capture ended: not known to be unanswered (capture-ended).
      if (exchange.outcome === "truncated") return;
      outcome = "no answer";
    } else if (response.status === 0) {
      return;
    } else {
      outcome = dns.rcodeName || `rcode ${response.status}`;
      // A name that does not exist is routine with resolv.conf search domains: its cost decides.
      if (response.status === NXDOMAIN) severity = severityForCost(exchange.durationMs, false);
    }
    const frames = [exchange.request.firstFrame];
    if (exchange.request.lastFrame !== exchange.request.firstFrame) {
      frames.push(exchange.request.lastFrame);
    }
    if (response !== null) frames.push(response.firstFrame);
    context.sink.add({
      kind: DNS_FAILURE,
      layer: "dns",
      severity,
      count: 1,
      costMs: exchange.durationMs,
      endpoint: spacedEndpointText(exchange.server),
      frames,
      connection: exchange.connection,
      exchange: exchange.id,
      facts: {
        name: exchange.request.target,
        outcome,
        rcode: response?.status ?? -1,
        retries: dns.retries,
      },
    });
  }
};
