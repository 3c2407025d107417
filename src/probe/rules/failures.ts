/**
 * Failed runs become error Findings, one per failure kind (grouped over runs). The meaning of each
 * kind, its layer and advice are in failure-catalogue.ts; cost is the time the runs lost before
 * failing (a timeout costs the whole timeout).
 */
import type { Finding } from "../../model/finding.ts";
import { findEntry } from "../failure-catalogue.ts";
import type { ProbeFailure, ProbeRun } from "../types.ts";
import { median, type ProbeRule, round3, runList } from "./probe-rule.ts";

export const failuresRule: ProbeRule = {
  kind: "(failure kinds)",
  evaluate(runs, context) {
    const groups = new Map<string, ProbeRun[]>();
    for (const run of runs) {
      if (run.failure === null) continue;
      const key = `${run.failure.kind}|${run.failure.layer}`;
      const group = groups.get(key);
      if (group) group.push(run);
      else groups.set(key, [run]);
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const first = group[0].failure as ProbeFailure;
      const entry = findEntry(first.phase, first.code);
      const address = group[0].address ?? group[0].attempts.at(-1)?.address ?? null;
      const failureContext = {
        endpoint: context.endpoint,
        address:
          address === null
            ? null
            : `${address.includes(":") ? `[${address}]` : address}:${context.endpoint.slice(context.endpoint.lastIndexOf(":") + 1)}`,
        dnsServer: context.dnsServer,
        hostname: context.hostname,
      };
      const costs = group.map((r) => (r.failure as ProbeFailure).afterMs);
      findings.push({
        kind: first.kind,
        layer: first.layer,
        severity: "error",
        costMs: round3(costs.reduce((a, b) => a + b, 0)),
        title: entry.title(first, failureContext),
        explanation: entry.explanation(first, failureContext),
        advice: entry.advice,
        confidence: entry.confidence,
        count: group.length,
        endpoint: context.endpoint,
        evidence: {
          frames: [],
          facts: {
            runs: runList(group),
            phase: first.phase,
            code: first.code,
            medianAfterMs: round3(median(costs)),
            ...(failureContext.address ? { address: failureContext.address } : {}),
          },
        },
      });
    }
    return findings;
  },
};
