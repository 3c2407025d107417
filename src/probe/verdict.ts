/**
 * The probe's verdict in layer terms: the layer with the largest median cost over the completed
 * runs, in ms; when runs failed, the layer of the most important failure instead.
 */
import { type Finding, LAYERS, type Layer } from "../model/finding.ts";
import { emptyLayers } from "./layer-split.ts";
import { completeRuns } from "./phase-stats.ts";
import { median } from "./rules/probe-rule.ts";
import type { ProbeRun, ProbeVerdict } from "./types.ts";

/**
 * wirewhy's own time inside a probe's send and download phases: ~2 ms above curl -w's on a
 * loopback nginx (docs/probe.md). A network or client-app share smaller than twice this is the
 * probe's own overhead as much as the path's or the client's: no layer to blame.
 */
export const PROBE_OVERHEAD_MS = 2;

export function probeVerdict(runs: ProbeRun[], findings: Finding[]): ProbeVerdict {
  const complete = completeRuns(runs).filter((r) => r.failure === null);
  const layers = emptyLayers();
  for (const layer of LAYERS) layers[layer] = median(complete.map((r) => r.layers[layer]));
  let top: Layer | "none" = "none";
  let topMs = 0;
  for (const layer of LAYERS) {
    if (layers[layer] > topMs) {
      top = layer;
      topMs = layers[layer];
    }
  }
  const failedRuns = runs.filter((r) => r.failure !== null);
  const failure = findings.find((f) => f.severity === "error");
  if (failedRuns.length > 0 && failure) {
    return {
      layer: failure.layer,
      ms: failure.count > 0 ? failure.costMs / failure.count : 0,
      layers,
      failed: true,
      text: `${failedRuns.length} of ${runs.length} run${runs.length === 1 ? "" : "s"} failed: ${failure.layer} — ${failure.title}`,
    };
  }
  const total = median(complete.map((r) => r.phases.totalMs));
  if ((top === "network" || top === "client-app") && topMs < 2 * PROBE_OVERHEAD_MS) {
    const rtts = complete.map((r) => r.rttMs).filter((ms): ms is number => ms !== null);
    const rtt = rtts.length > 0 ? ` on a ${median(rtts).toFixed(3)} ms round trip` : "";
    return {
      layer: "none",
      ms: topMs,
      layers,
      failed: false,
      overheadMs: PROBE_OVERHEAD_MS,
      text: `no layer stands out: a ${total.toFixed(1)} ms request${rtt}; its largest share (${top}, ${topMs.toFixed(1)} ms) is within the probe's own overhead (~${PROBE_OVERHEAD_MS} ms), not the path's or the client's`,
    };
  }
  return {
    layer: top,
    ms: topMs,
    layers,
    failed: false,
    text:
      top === "none"
        ? "no time to charge"
        : `${top} dominated: ${topMs.toFixed(1)} ms of a ${total.toFixed(1)} ms request (median of ${complete.length} run${complete.length === 1 ? "" : "s"})`,
  };
}
