/**
 * server-think-time (server-app): the server's time before its first response byte, i.e. the wait
 * phase minus one round trip (the kernel's lowest RTT on the socket). Reported and ranked as the
 * capture's rule of the same kind (src/diagnose/rules/server-think-time.ts): from
 * SERVER_THINK_MIN_MS per request (the median run), a warning once one request's own think time
 * reaches WARNING_COST_MS (severity.ts; a per-request kind), so one server reads the same in
 * `probe` and `analyze`.
 */
import { SERVER_THINK_MIN_MS } from "../../diagnose/rules/server-think-time.ts";
import { severityForCost } from "../../diagnose/severity.ts";
import type { Finding } from "../../model/finding.ts";
import { completeRuns } from "../phase-stats.ts";
import { median, type ProbeRule, round3, runList } from "./probe-rule.ts";

export const serverThinkTimeRule: ProbeRule = {
  kind: "server-think-time",
  evaluate(runs, context): Finding | null {
    const measured = completeRuns(runs).filter((r) => r.serverMs !== null);
    if (measured.length === 0) return null;
    const times = measured.map((r) => r.serverMs as number);
    const mid = median(times);
    if (mid < SERVER_THINK_MIN_MS) return null;
    const slow = measured.filter((r) => (r.serverMs as number) >= SERVER_THINK_MIN_MS);
    const costMs = round3(slow.reduce((sum, r) => sum + (r.serverMs as number), 0));
    const rtts = measured.map((r) => r.rttMs ?? 0);
    return {
      kind: "server-think-time",
      layer: "server-app",
      severity: severityForCost(Math.max(...times), false),
      costMs,
      title: `The server took ${mid.toFixed(1)} ms before its first byte (median)`,
      explanation: `From the request leaving this host to the first response byte took a median ${median(measured.map((r) => r.phases.waitMs as number)).toFixed(1)} ms; one round trip of that is the network (${median(rtts).toFixed(3)} ms, the kernel's RTT for this socket), the rest, ${mid.toFixed(1)} ms, is the server working before it answered.`,
      advice:
        "Profile the request on the server (application logs with timings, slow queries, upstream calls, worker-pool queueing).",
      confidence: measured[0].rttSource === "kernel-min-rtt" ? 0.9 : 0.7,
      count: slow.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: {
          runs: runList(slow),
          medianServerMs: round3(mid),
          maxServerMs: round3(Math.max(...times)),
          medianRttMs: round3(median(rtts)),
          rttSource: measured[0].rttSource ?? "none",
        },
      },
    };
  },
};
