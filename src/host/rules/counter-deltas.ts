/**
 * One Finding per counter-catalogue entry whose counters rose during --watch (counter-catalogue.ts
 * defines each kind). Count is the group's largest delta (its counters overlap); cost is count
 * times the least an event costs a request.
 */
import type { Finding } from "../../model/finding.ts";
import { COUNTER_CATALOGUE } from "../counter-catalogue.ts";
import type { HostRule } from "./host-rule.ts";

export const counterDeltasRule: HostRule = {
  kind: "(counter kinds)",
  evaluate(input) {
    if (input.deltas === null || input.watchSeconds === null) return [];
    const findings: Finding[] = [];
    for (const entry of COUNTER_CATALOGUE) {
      const facts: Record<string, number> = {};
      let count = 0;
      for (const name of entry.counters) {
        const delta = input.deltas[name];
        if (delta === undefined || delta <= 0) continue;
        facts[name] = delta;
        count = Math.max(count, delta);
      }
      if (count === 0) continue;
      const seconds = input.watchSeconds;
      findings.push({
        kind: entry.kind,
        layer: entry.layer,
        severity: entry.severity,
        costMs: count * entry.costPerEventMs,
        title: `${entry.title}: +${count} in ${seconds} s`,
        explanation: `${Object.entries(facts)
          .map(([name, d]) => `${name} +${d}`)
          .join(", ")} (${(count / seconds).toFixed(2)}/s). ${entry.meaning}`,
        advice: entry.advice,
        confidence: 0.9,
        count,
        evidence: { frames: [], facts: { ...facts, watchSeconds: seconds } },
      });
    }
    return findings;
  },
};
