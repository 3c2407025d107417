/**
 * slow-download (network): receiving the response took DOWNLOAD_SLOW_MS or more after its first
 * byte. From the client this is the path's bandwidth or loss, or a server that produces its body
 * slowly; the kernel's delivery rate is given so the two can be compared.
 */
import type { Finding } from "../../model/finding.ts";
import { completeRuns } from "../phase-stats.ts";
import { median, type ProbeRule, round3, runList } from "./probe-rule.ts";

/** RAIL's 100 ms perceptible-delay budget. */
export const DOWNLOAD_SLOW_MS = 100;

export const slowDownloadRule: ProbeRule = {
  kind: "slow-download",
  evaluate(runs, context): Finding | null {
    const hit = completeRuns(runs).filter(
      (r) => (r.phases.downloadMs as number) >= DOWNLOAD_SLOW_MS,
    );
    if (hit.length === 0) return null;
    const times = hit.map((r) => r.phases.downloadMs as number);
    const bytes = median(hit.map((r) => r.responseBytes));
    const rate = median(hit.map((r) => r.kernel?.deliveryRateBitsPerSec ?? 0));
    const goodput = (bytes * 8) / (median(times) / 1000);
    return {
      kind: "slow-download",
      layer: "network",
      severity: "info",
      costMs: round3(times.reduce((a, b) => a + b, 0)),
      title: `Receiving the response took ${median(times).toFixed(1)} ms (${(goodput / 1e6).toFixed(2)} Mbit/s)`,
      explanation: `After the first byte, the ${bytes} response bytes took a median ${median(times).toFixed(1)} ms to arrive (${(goodput / 1e6).toFixed(2)} Mbit/s)${rate > 0 ? `; the kernel's last delivery-rate sample was ${(rate / 1e6).toFixed(2)} Mbit/s` : ""}. Either the path limits the transfer (bandwidth, loss), or the server sends its body slowly; a capture tells which (a server-side pause shows as idle time with an open window).`,
      advice:
        "Compress or shrink the response; compare with a capture (--capture) to tell path limits from a slow producer.",
      confidence: 0.5,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: {
          runs: runList(hit),
          medianDownloadMs: round3(median(times)),
          medianBytes: bytes,
          goodputBitsPerSec: Math.round(goodput),
        },
      },
    };
  },
};
