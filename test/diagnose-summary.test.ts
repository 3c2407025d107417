/**
 * The summary's time by layer counts each millisecond once: a DNS lookup linked into the dns
 * phase of the request that needed it is not counted again as its own exchange.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeCapture } from "../src/diagnose/index.ts";
import { LAYERS } from "../src/model/finding.ts";

test("slow-dns lab: the 402 ms lookup is counted once in the time by layer", async () => {
  const analysis = await analyzeCapture(
    new URL("fixtures/labs/slow-dns.pcap", import.meta.url).pathname,
  );
  const dns = analysis.exchanges.find((x) => x.protocol === "dns");
  const http = analysis.exchanges.find((x) => x.protocol === "http1");
  assert.ok(dns && http);
  assert.equal(http.dnsExchangeId, dns.id);
  assert.equal(analysis.summary.exchanges, 2);
  // The HTTP exchange's own duration (dns phase included) is the whole time spent.
  assert.equal(analysis.summary.totalMs.toFixed(3), http.durationMs.toFixed(3));
  assert.ok(
    Math.abs(analysis.summary.byLayer.dns - 402) < 5,
    `dns ${analysis.summary.byLayer.dns}`,
  );
  const sum = LAYERS.reduce((s, l) => s + analysis.summary.byLayer[l], 0);
  assert.ok(Math.abs(sum - analysis.summary.totalMs) < 1e-6);
});
