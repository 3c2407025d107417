/**
 * min / median / p95 / max of a phase over the runs that completed. The median of an even count is
 * the mean of the two middle values; p95 is the nearest-rank percentile (the smallest value with at
 * least 95 % of the samples at or below it), so with fewer than 20 runs it is the maximum.
 */
import type { PhaseStats, ProbeRun, ProbeSummary } from "./types.ts";
import { PHASES } from "./types.ts";

export function phaseStats(values: number[]): PhaseStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n >> 1;
  return {
    min: sorted[0],
    median: n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p95: sorted[Math.ceil(0.95 * n) - 1],
    max: sorted[n - 1],
    samples: n,
  };
}

/** A run counts when every phase finished (an HTTP 5xx answer counts: its timings are whole). */
export function completeRuns(runs: ProbeRun[]): ProbeRun[] {
  return runs.filter((run) => PHASES.every((p) => run.phases[p] !== null));
}

export function summarizeRuns(runs: ProbeRun[]): ProbeSummary {
  const complete = completeRuns(runs);
  const summary: ProbeSummary = {};
  for (const phase of PHASES) {
    const stats = phaseStats(complete.map((run) => run.phases[phase] as number));
    if (stats) summary[phase] = stats;
  }
  const total = phaseStats(complete.map((run) => run.phases.totalMs));
  if (total) summary.totalMs = total;
  const server = phaseStats(
    complete.flatMap((run) => (run.serverMs === null ? [] : [run.serverMs])),
  );
  if (server) summary.serverMs = server;
  const rtt = phaseStats(complete.flatMap((run) => (run.rttMs === null ? [] : [run.rttMs])));
  if (rtt) summary.rttMs = rtt;
  return summary;
}
