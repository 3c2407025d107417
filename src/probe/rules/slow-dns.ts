/**
 * slow-dns (dns): name resolution took DNS_SLOW_INFO_MS or more (warning from DNS_SLOW_WARNING_MS).
 */
import type { Finding } from "../../model/finding.ts";
import { median, type ProbeRule, round3, runList } from "./probe-rule.ts";

/** A nearby caching resolver answers in a few ms; RAIL's 100 ms is where a user notices. */
export const DNS_SLOW_INFO_MS = 100;
/** Beyond a second is a retry (glibc's first try waits 5 s, c-ares' 5 s too) or a far, overloaded resolver. */
export const DNS_SLOW_WARNING_MS = 1000;

export const slowDnsRule: ProbeRule = {
  kind: "slow-dns",
  evaluate(runs, context): Finding | null {
    const slow = runs.filter(
      (r) =>
        r.phases.dnsMs !== null && r.phases.dnsMs >= DNS_SLOW_INFO_MS && r.failure?.phase !== "dns",
    );
    if (slow.length === 0) return null;
    const times = slow.map((r) => r.phases.dnsMs as number);
    const worst = Math.max(...times);
    return {
      kind: "slow-dns",
      layer: "dns",
      severity: worst >= DNS_SLOW_WARNING_MS ? "warning" : "info",
      costMs: round3(times.reduce((a, b) => a + b, 0)),
      title: `Resolving ${context.hostname} took ${median(times).toFixed(1)} ms (median of ${slow.length} slow runs)`,
      explanation: `${context.dnsServer ? `The DNS server ${context.dnsServer}` : "The system resolver"} took ${median(times).toFixed(1)} ms (up to ${worst.toFixed(1)} ms) to return the addresses. A cached answer takes a few milliseconds; this much means a cache miss against distant authoritative servers, a lost query that was retried, or an overloaded resolver.`,
      advice:
        "Use a nearby caching resolver; check for lost queries (a second-long resolution is a retry); raise the record's TTL if it expires often.",
      confidence: 0.85,
      count: slow.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: { runs: runList(slow), medianDnsMs: round3(median(times)), maxDnsMs: round3(worst) },
      },
    };
  },
};
