import assert from "node:assert/strict";
import { test } from "node:test";
import { RESERVOIR_SIZE, RttStats } from "./rtt-stats.ts";
import { BoundedSeries } from "./series.ts";

test("RTT summary is exact up to the reservoir size", () => {
  const s = new RttStats();
  for (let i = 1; i <= 20; i++) s.add(i * 1e6);
  assert.deepEqual(s.summary(), { samples: 20, minMs: 1, medianMs: 10, p95Ms: 19, maxMs: 20 });
});

test("RTT summary stays bounded and close beyond the reservoir", () => {
  const s = new RttStats();
  for (let i = 1; i <= 100_000; i++) s.add(i * 1e3);
  const r = s.summary()!;
  assert.equal(r.samples, 100_000);
  assert.equal(r.minMs, 0.001);
  assert.equal(r.maxMs, 100);
  assert.ok(Math.abs(r.medianMs - 50) < 20, `median ${r.medianMs} of ${RESERVOIR_SIZE} samples`);
});

test("a bounded series keeps at most its size and the whole time span", () => {
  const s = new BoundedSeries(16);
  for (let i = 0; i < 10_000; i++) s.add(i * 1e6, i);
  const p = s.points(0);
  assert.ok(p.tMs.length <= 16 && p.tMs.length >= 8, `${p.tMs.length} points`);
  assert.equal(p.tMs[0], 0);
  assert.ok(p.tMs[p.tMs.length - 1] > 5000);
});
