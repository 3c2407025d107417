import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyLayers } from "./layer-split.ts";
import type { ProbeRun } from "./types.ts";
import { PROBE_OVERHEAD_MS, probeVerdict } from "./verdict.ts";

/** A completed run whose layers are `charges` (ms), on a `rttMs` round trip. */
function run(charges: Partial<ReturnType<typeof emptyLayers>>, rttMs: number): ProbeRun {
  const layers = { ...emptyLayers(), ...charges };
  const totalMs = Object.values(layers).reduce((a, b) => a + b, 0);
  const phases = { dnsMs: 0, connectMs: 0, tlsMs: 0, sendMs: 0, waitMs: 0, downloadMs: 0, totalMs };
  return { failure: null, layers, phases, rttMs } as unknown as ProbeRun;
}

test("a loopback request whose largest share is within the probe's overhead names no layer", () => {
  const fast = [run({ network: 0.6, "client-app": 0.4, "server-app": 0.3 }, 0.012)];
  const v = probeVerdict(fast, []);
  assert.equal(v.layer, "none");
  assert.equal(v.overheadMs, PROBE_OVERHEAD_MS);
  assert.match(
    v.text,
    /^no layer stands out: a 1\.3 ms request on a 0\.012 ms round trip; its largest share \(network, 0\.6 ms\) is within the probe's own overhead/,
  );
});

test("a network share past the overhead, or a server's time, is the verdict as before", () => {
  const far = probeVerdict([run({ network: 80, "server-app": 5 }, 40)], []);
  assert.deepEqual([far.layer, far.overheadMs], ["network", undefined]);
  assert.match(far.text, /^network dominated: 80\.0 ms of a 85\.0 ms request/);
  const server = probeVerdict([run({ network: 0.1, "server-app": 1.1 }, 0.01)], []);
  assert.equal(server.layer, "server-app");
});
