/**
 * dns-search-walk (dns): a lookup that walked resolv.conf's search list: NXDOMAIN answers for the
 * name with search domains appended, one after the other, before the name itself resolved
 * (search-walk.ts says exactly what counts). A name with fewer dots than `ndots` is tried with
 * every search domain first (resolv.conf(5); Kubernetes pods get ndots:5 and three or more
 * domains), so every uncached lookup of it pays for the misses before the answer that was there
 * all along.
 * Cost: the first miss's query → the query of the name that resolved (the time the walk added
 * to the lookup; the request that needed the name waited for all of it). Its NXDOMAINs are this
 * finding's, not dns-failure's or slow-dns's.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { type SearchWalk, SearchWalks } from "../search-walk.ts";
import { severityForCost } from "../severity.ts";

export const DNS_SEARCH_WALK = "dns-search-walk";

/** Frames listed per walk (the engine keeps 10 per finding). */
const FRAMES_KEPT = 10;

export const dnsSearchWalkKind: FindingKind = {
  kind: DNS_SEARCH_WALK,
  costSeverityCap: "warning",
  confidence: 0.85,
  describe(group) {
    const misses = group.fact("misses");
    const name = group.text("name");
    return {
      title: `DNS search-list walk: ${plural(misses, "NXDOMAIN")} before ${name} resolved, ${msText(group.costMs)}${group.count > 1 ? ` over ${plural(group.count, "lookup")}` : ""}`,
      explanation: `The client asked ${group.endpoint} for ${group.text("tried")} (NXDOMAIN each) before it asked for ${name} itself, which resolved (frames ${group.first.frames.join(", ")}). Its resolver appended the \`search\` domains of resolv.conf (first, when the name has fewer dots than \`ndots\`; after the name itself, when that gave no answer of the type asked): the lookup, and the request waiting on it, took ${msText(group.first.costMs)} longer than the one query it needed.`,
      advice: `Use the fully qualified name with a trailing dot ("${name}.") in the application's configuration, lower \`ndots\` (resolv.conf \`options ndots:1\`, or the pod's dnsConfig in Kubernetes) or trim the \`search\` list; a local cache (nscd, systemd-resolved, NodeLocal DNSCache) makes the misses cheap.`,
    };
  },
};

export const dnsSearchWalkRule: RuleFactory = (context: RuleContext) => {
  const walks = new SearchWalks(
    (walk) => report(walk),
    () => {},
  );
  function report(walk: SearchWalk): void {
    // The misses' queries and answers as far as they fit, then always the resolving pair.
    const frames: number[] = [];
    for (const miss of walk.misses) {
      frames.push(miss.exchange.request.firstFrame);
      if (miss.exchange.response !== null) frames.push(miss.exchange.response.firstFrame);
    }
    frames.sort((a, b) => a - b);
    frames.length = Math.min(frames.length, FRAMES_KEPT - 2);
    frames.push(walk.resolved.request.firstFrame);
    if (walk.resolved.response !== null) frames.push(walk.resolved.response.firstFrame);
    const suffixes = walk.misses.map((m) => m.name.slice(walk.name.length + 1));
    context.sink.add({
      kind: DNS_SEARCH_WALK,
      layer: "dns",
      severity: severityForCost(walk.costMs, false),
      count: 1,
      costMs: walk.costMs,
      endpoint: spacedEndpointText(walk.resolved.server),
      frames,
      connection: walk.resolved.connection,
      exchange: walk.resolved.id,
      // The wait runs from the first miss's query to the resolving query, across exchanges.
      spanMs: [walk.resolved.startMs - walk.costMs, walk.resolved.startMs],
      facts: {
        name: walk.name,
        misses: walk.misses.length,
        suffixes: [...new Set(suffixes)].join(", "),
        tried: [...new Set(walk.misses.map((m) => m.exchange.request.target))].join(", "),
      },
    });
  }
  return {
    onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
      walks.add(exchange);
    },
    finish(): void {
      walks.finish();
    },
  };
};
