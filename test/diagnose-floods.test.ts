/**
 * Floods are findings: a SYN flood, a port scan and a reset storm each make ONE finding with
 * counts, rates and top sources, and the per-connection findings they stand for (syn-unanswered,
 * connection-refused) are withdrawn. Synthetic captures written by the project's own pcap writer
 * (src/diagnose/testing/synthetic-tcp.ts); the negative cases are real corpus captures.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import { analyzeCapture } from "../src/diagnose/analyze-capture.ts";
import {
  ipv4,
  portScan,
  resetStorm,
  synFlood,
  writeSyntheticPcap,
} from "../src/diagnose/testing/synthetic-tcp.ts";
import type { Analysis } from "../src/diagnose/types.ts";
import { corpusPath, requireCorpus } from "../src/testing/corpus.ts";

const SERVER = ipv4(192, 0, 2, 80);

function kinds(analysis: Analysis): string[] {
  return analysis.findings.map((f) => f.kind).sort();
}

test("5,000 unanswered SYNs from 500 addresses in half a second: one syn-flood finding", async () => {
  const file = writeSyntheticPcap(
    "syn-flood.pcap",
    synFlood(5000, { server: SERVER, port: 80, sources: 500, everyUs: 100 }),
  );
  const analysis = await analyzeCapture(file);
  analysisSchema.parse(analysis);
  const floods = analysis.findings.filter((f) => f.kind === "syn-flood");
  assert.equal(floods.length, 1);
  const flood = floods[0]!;
  assert.equal(flood.endpoint, "192.0.2.80:80");
  assert.equal(flood.layer, "network");
  assert.equal(flood.severity, "error");
  assert.equal(flood.count, 5000);
  assert.deepEqual(flood.evidence.frames, [1, 2, 3, 4, 5]);
  const facts = flood.evidence.facts ?? {};
  assert.equal(facts.unanswered, 5000);
  assert.equal(facts.refused, 0);
  assert.equal(facts.sources, 500);
  assert.equal(facts.sourcePorts, 10);
  // 5,000 SYNs over 499.9 ms.
  assert.equal(facts.spanMs, 499.9);
  assert.equal(facts.ratePerS, 10002);
  assert.match(String(facts.topSources), /^10\.1\.0\.0 \(10\), 10\.1\.0\.1 \(10\)/);
  assert.match(
    flood.title,
    /SYN flood at 192\.0\.2\.80:80: 5,?000 connection attempts never opened/,
  );
  // Not also 5,000 syn-unanswered occurrences (nor the SYNs still within their first retry
  // interval at the end, which capture-ended reports).
  assert.deepEqual(kinds(analysis), ["syn-flood"]);
});

test("5,000 refused SYNs: the syn-flood counts them as refused, no connection-refused finding", async () => {
  const file = writeSyntheticPcap(
    "syn-flood-refused.pcap",
    synFlood(5000, { server: SERVER, port: 8080, sources: 2000, everyUs: 200, refused: true }),
  );
  const analysis = await analyzeCapture(file);
  const flood = analysis.findings.find((f) => f.kind === "syn-flood");
  assert.ok(flood !== undefined, kinds(analysis).join(", "));
  assert.equal(flood.count, 5000);
  assert.equal(flood.evidence.facts?.refused, 5000);
  assert.equal(flood.evidence.facts?.sources, 2000);
  assert.ok(!kinds(analysis).includes("connection-refused"), kinds(analysis).join(", "));
  assert.ok(!kinds(analysis).includes("port-scan"));
});

test("one source refused on 2,000 ports: one port-scan finding, no connection-refused", async () => {
  const file = writeSyntheticPcap(
    "port-scan.pcap",
    portScan(2000, { source: ipv4(10, 9, 9, 9), host: SERVER, everyUs: 500 }),
  );
  const analysis = await analyzeCapture(file);
  analysisSchema.parse(analysis);
  assert.deepEqual(kinds(analysis), ["port-scan"]);
  const scan = analysis.findings[0]!;
  assert.equal(scan.count, 2000);
  assert.equal(scan.endpoint, "192.0.2.80");
  assert.equal(scan.evidence.facts?.source, "10.9.9.9");
  assert.equal(scan.evidence.facts?.ports, 2000);
  assert.equal(scan.evidence.facts?.refused, 2000);
  assert.equal(scan.severity, "warning");
});

test("2,000 connections reset by the server in 0.2 s: one reset-storm finding", async () => {
  const file = writeSyntheticPcap(
    "reset-storm.pcap",
    resetStorm(2000, { server: SERVER, port: 443, clients: 50, everyUs: 100 }),
  );
  const analysis = await analyzeCapture(file);
  const storms = analysis.findings.filter((f) => f.kind === "reset-storm");
  assert.equal(storms.length, 1);
  const storm = storms[0]!;
  assert.equal(storm.count, 2000);
  assert.equal(storm.layer, "server-app");
  assert.equal(storm.evidence.facts?.byServer, 2000);
  assert.equal(storm.evidence.facts?.clients, 50);
  assert.equal(storm.evidence.facts?.spanMs, 199.9);
});

test("negative: 9 unanswered SYNs to one ad server stay syn-unanswered (http_espn_fail)", async (t) => {
  if (!requireCorpus(t)) return;
  const analysis = await analyzeCapture(corpusPath("http_espn_fail.pcapng"));
  assert.ok(kinds(analysis).includes("syn-unanswered"));
  assert.ok(!kinds(analysis).some((k) => ["syn-flood", "port-scan", "reset-storm"].includes(k)));
});

test("negative: 3 refused SYNs stay connection-refused (nowebaccess2)", async (t) => {
  if (!requireCorpus(t)) return;
  const analysis = await analyzeCapture(corpusPath("nowebaccess2.pcapng"));
  const refused = analysis.findings.find((f) => f.kind === "connection-refused");
  assert.equal(refused?.count, 3);
  assert.ok(!kinds(analysis).some((k) => ["syn-flood", "port-scan", "reset-storm"].includes(k)));
});

test("negative: fewer than 1,000 reset connections are no storm", async () => {
  const file = writeSyntheticPcap(
    "few-resets.pcap",
    resetStorm(500, { server: SERVER, port: 443, clients: 50, everyUs: 100 }),
  );
  const analysis = await analyzeCapture(file);
  assert.ok(!kinds(analysis).includes("reset-storm"), kinds(analysis).join(", "));
});
