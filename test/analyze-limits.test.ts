/**
 * The memory caps (--max-connections, --max-memory): past the cap the oldest idle connection is
 * summarised early and the report says how many, when, and which findings may be incomplete;
 * below it nothing changes. On synthetic floods written by src/diagnose/testing/synthetic-tcp.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import { analyzeCapture } from "../src/diagnose/analyze-capture.ts";
import { ipv4, synFlood, writeSyntheticPcap } from "../src/diagnose/testing/synthetic-tcp.ts";
import { renderAnalysisText } from "../src/report/analysis-text.ts";
import { analyzeConnections, connectionsForMemory } from "../src/tcp/index.ts";

// 5,000 unanswered SYNs from 500 addresses to one server, 100 µs apart (0.5 s).
const flood = writeSyntheticPcap(
  "syn-flood-5000.pcap",
  synFlood(5000, { server: ipv4(192, 0, 2, 80), port: 80, sources: 500, everyUs: 100 }),
);

test("past --max-connections the oldest half-open connections are summarised early, and the report says so", async () => {
  const analysis = await analyzeCapture(flood, { maxConnections: 1000 });
  analysisSchema.parse(analysis);
  const limits = analysis.capture.limits;
  assert.ok(limits !== undefined);
  assert.equal(limits.maxConnections, 1000);
  assert.equal(limits.evictedConnections, 4000);
  assert.equal(limits.evictedHalfOpen, 4000);
  // The 1,001st SYN (100 ms) evicts the first; the last SYN (499.9 ms) the 4,000th.
  assert.equal(limits.firstEvictionMs, 100);
  assert.equal(limits.lastEvictionMs, 499.9);
  assert.equal(limits.droppedTombstones, 0);
  assert.ok(limits.incompleteKinds.includes("syn-unanswered"));
  assert.ok(!limits.incompleteKinds.includes("slow-dns"));
  // Every connection is still summarised, once.
  assert.equal(analysis.summary.connections, 5000);
  const text = renderAnalysisText(analysis);
  assert.match(
    text,
    /memory cap: 4,000 connections \(4,000 half-open\) were summarised early, past 1,000 open at once .* from 0\.100 s to 0\.500 s/,
  );
});

test("below the cap the analysis has no limits and is the same as without one", async () => {
  const capped = await analyzeCapture(flood, { maxConnections: 5000 });
  const uncapped = await analyzeCapture(flood, { maxMemoryMB: 100_000 });
  assert.equal(capped.capture.limits, undefined);
  assert.deepEqual(capped, uncapped);
});

test("conns: the cap counts in totals.limits; every connection keeps its row", async () => {
  const result = await analyzeConnections(flood, { maxConnections: 2000 });
  assert.equal(result.connections.length, 5000);
  assert.equal(result.totals.limits?.evictedConnections, 3000);
  assert.ok(result.connections.every((c) => c.state === "S0"));
});

test("many closed connections in TIME_WAIT: past the tombstone cap the report says so, nothing is evicted", async () => {
  // 6,000 refused SYNs 5 ms apart (30 s): each connection closes (RST) and is given up a second
  // later, so ~200 are open at once, under the cap of 250; its 2,000 tombstones are not enough
  // for the 60 s of TIME_WAIT.
  const file = writeSyntheticPcap(
    "refused-6000.pcap",
    synFlood(6000, {
      server: ipv4(192, 0, 2, 80),
      port: 80,
      sources: 500,
      everyUs: 5000,
      refused: true,
    }),
  );
  const analysis = await analyzeCapture(file, { maxConnections: 250 });
  const limits = analysis.capture.limits;
  assert.ok(limits !== undefined);
  assert.equal(limits.evictedConnections, 0);
  assert.equal(limits.droppedTombstones, 3800);
  assert.match(
    renderAnalysisText(analysis),
    /3,800 closed connections were forgotten before TIME_WAIT ended/,
  );
});

test("the default memory budget allows thousands of connections, and more memory more", () => {
  assert.ok(connectionsForMemory(280) > 5_000, `${connectionsForMemory(280)}`);
  assert.ok(connectionsForMemory(1000) > 4 * connectionsForMemory(280));
  assert.equal(connectionsForMemory(10), 1000);
});
