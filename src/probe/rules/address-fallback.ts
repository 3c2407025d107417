/**
 * address-fallback (network): the first resolved address(es) failed and a later one connected, so
 * every new connection pays for the failed attempts first.
 */
import type { Finding } from "../../model/finding.ts";
import { type ProbeRule, round3, runList } from "./probe-rule.ts";

export const addressFallbackRule: ProbeRule = {
  kind: "address-fallback",
  evaluate(runs, context): Finding | null {
    const hit = runs.filter(
      (r) => r.attempts.length > 1 && r.attempts.at(-1)?.outcome === "connected",
    );
    if (hit.length === 0) return null;
    const wasted = (r: (typeof runs)[number]) =>
      r.attempts.filter((a) => a.outcome !== "connected").reduce((sum, a) => sum + a.ms, 0);
    const costs = hit.map(wasted);
    const sample = hit[0];
    const failed = sample.attempts.filter((a) => a.outcome !== "connected");
    const used = sample.attempts.at(-1);
    return {
      kind: "address-fallback",
      layer: "network",
      severity: "warning",
      costMs: round3(costs.reduce((a, b) => a + b, 0)),
      title: `${failed.map((a) => a.address).join(", ")} failed before ${used?.address} connected`,
      explanation: `${context.hostname} resolves to several addresses; the first tried (${failed.map((a) => `${a.address}: ${a.outcome}${a.code ? ` ${a.code}` : ""} after ${a.ms.toFixed(1)} ms`).join("; ")}) failed, and ${used?.address} (IPv${used?.family}) connected. Clients that try addresses in order pay this on every new connection; Happy Eyeballs clients (RFC 8305) hide part of it.`,
      advice:
        "Fix or remove the failing address records (often an AAAA record for a host that does not listen on IPv6), or open the port on that address.",
      confidence: 0.85,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: {
          runs: runList(hit),
          failedAddresses: failed.map((a) => a.address).join(","),
          usedAddress: used?.address ?? "",
        },
      },
    };
  },
};
