/** The shape of a probe rule: reads the runs, returns at most one (grouped) Finding. */
import type { Finding } from "../../model/finding.ts";
import type { ProbeRun } from "../types.ts";

export interface ProbeRuleContext {
  /** "host:port" as asked for. */
  endpoint: string;
  hostname: string;
  dnsServer: string | null;
}

export interface ProbeRule {
  /** The Finding kind the rule produces (docs/probe.md defines it). */
  kind: string;
  evaluate(runs: ProbeRun[], context: ProbeRuleContext): Finding | Finding[] | null;
}

/** "1,2,5": the runs a finding is about, for evidence.facts. */
export function runList(runs: ProbeRun[]): string {
  return runs.map((r) => r.index).join(",");
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
