/**
 * slow-dns (dns): a DNS answer that took SLOW_DNS_MIN_MS or more from the first query (retries
 * included: a lost query costs the resolver's retry timeout, glibc's default 5 s, resolv.conf(5)
 * "timeout"). Measured like tshark's dns.time, but from the client's first query to the answer
 * (what the application waited). Every request to a name waits for its lookup unless the answer
 * is cached. Read from the exchange stage's "dns" exchanges (one per lookup, UDP or TCP). A slow
 * NXDOMAIN that is part of a search-list walk (search-walk.ts) is dns-search-walk's.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { SearchWalks } from "../search-walk.ts";
import { severityForCost } from "../severity.ts";

export const SLOW_DNS = "slow-dns";

/**
 * A cached answer from a nearby resolver takes a few ms; an uncached one tens of ms. 100 ms
 * (WARNING_COST_MS) is slow by any standard.
 */
export const SLOW_DNS_MIN_MS = 100;

export const slowDnsKind: FindingKind = {
  kind: SLOW_DNS,
  costSeverityCap: "warning",
  perRequest: true,
  confidence: 0.9,
  describe(group) {
    const retries = group.fact("retries");
    return {
      title: `Slow DNS: ${plural(group.count, "lookup")} took ${msText(group.costMs)} (worst ${msText(group.first.costMs)} for ${group.text("name")})`,
      explanation: `The DNS server ${group.endpoint} took ${msText(group.first.costMs)} to answer the query for ${group.text("name")} (frames ${group.first.frames.join(", ")})${retries > 0 ? `, after the client resent the query ${plural(retries, "time")} (the first went unanswered until the resolver's retry timeout)` : ""}. The request that needed the name could not start until then.`,
      advice:
        "Check the resolver: its latency to upstream servers, cache hit rate, and load; use a local caching resolver (systemd-resolved, nscd, dnsmasq) or cache lookups in the application; lower resolv.conf's `timeout` and use `options rotate` with a second server when queries get lost.",
    };
  },
};

/** RFC 1035 §4.1.1 RCODE 3 "Name Error". */
const NXDOMAIN = 3;

export const slowDnsRule: RuleFactory = (context: RuleContext) => {
  // Slow NXDOMAINs wait here until they are known to be no part of a search-list walk.
  const walks = new SearchWalks(
    () => {},
    (miss) => report(miss),
  );
  return {
    onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
      const dns = exchange.dns;
      if (exchange.protocol !== "dns" || dns === undefined || exchange.response === null) return;
      walks.add(exchange);
      if (exchange.response.status !== NXDOMAIN) report(exchange);
    },
    finish(): void {
      walks.finish();
    },
  };

  function report(exchange: Exchange): void {
    const dns = exchange.dns!;
    if (exchange.response === null || dns.latencyMs < SLOW_DNS_MIN_MS) return;
    context.sink.add({
      kind: SLOW_DNS,
      layer: "dns",
      severity: severityForCost(dns.latencyMs, false),
      count: 1,
      costMs: dns.latencyMs,
      endpoint: spacedEndpointText(exchange.server),
      // The first query, its last retry (when it was resent) and the answer.
      frames: [
        ...new Set([
          exchange.request.firstFrame,
          exchange.request.lastFrame,
          exchange.response.firstFrame,
        ]),
      ],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: { name: exchange.request.target, type: dns.qtypeName, retries: dns.retries },
    });
  }
};
