/**
 * tcp-retransmits (network): the kernel retransmitted segments on the probe's own connection
 * (tcpi_total_retrans > 0). Each retransmission costs at least one RTT (a fast retransmit waits
 * for three duplicate ACKs, RFC 5681 §3.2) and up to an RTO (≥ 200 ms on Linux, TCP_RTO_MIN);
 * the cost given is that lower bound: a capture (--capture) tells which.
 */
import type { Finding } from "../../model/finding.ts";
import { type ProbeRule, round3, runList } from "./probe-rule.ts";

export const kernelRetransmitsRule: ProbeRule = {
  kind: "tcp-retransmits",
  evaluate(runs, context): Finding | null {
    // On a reused connection the counter is cumulative: count each increase once.
    const hit: { run: (typeof runs)[number]; added: number }[] = [];
    let previous = 0;
    for (const run of runs) {
      if (run.kernel === null) continue;
      const base = run.reused ? previous : 0;
      const added = run.kernel.retransmits - base;
      previous = run.kernel.retransmits;
      if (added > 0) hit.push({ run, added });
    }
    if (hit.length === 0) return null;
    const segments = hit.reduce((sum, h) => sum + h.added, 0);
    const cost = hit.reduce((sum, h) => sum + h.added * (h.run.rttMs ?? 0), 0);
    return {
      kind: "tcp-retransmits",
      layer: "network",
      severity: "warning",
      costMs: round3(cost),
      title: `The kernel retransmitted ${segments} segment${segments === 1 ? "" : "s"} on the probe's connections`,
      explanation: `TCP_INFO (ss -ti) counted ${segments} retransmitted segment${segments === 1 ? "" : "s"} in ${hit.length} run${hit.length === 1 ? "" : "s"}: packets were lost (or delayed long enough to look lost) between this host and the server. Each cost at least one round trip, a timeout-driven one 200 ms or more.`,
      advice:
        "Look for loss on the path (interface errors, congested links, policers); --capture shows which segments and how each was recovered.",
      confidence: 0.85,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: { runs: runList(hit.map((h) => h.run)), retransmittedSegments: segments },
      },
    };
  },
};
