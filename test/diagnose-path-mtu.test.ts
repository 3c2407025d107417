/**
 * path-mtu-black-hole on captures recorded here: the lab's transfer that gave up (an error) and
 * src/diagnose/testing/fixtures/pmtu-recovered.pcap, the same path with the sender's
 * packetization-layer PMTUD on (tcp_mtu_probing=1), where the body got through in 1024-byte
 * segments after 3.1 s (a warning). packet-loss leaves those resends to it. With the router's
 * frag-needed in the capture (pmtu-icmp-seen.pcap), or when nothing at all got through after the
 * head (an outage: outage-after-head.pcap), it is no black hole. Captures that resemble
 * it stay quiet: random loss (the packet-loss lab, the corpus's lossy files), healthy bulk
 * downloads (the bandwidth-bottleneck and receive-window-limited labs), a keep-alive session.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Analysis, analyzeCapture } from "../src/diagnose/index.ts";
import { corpusDir, corpusPath, requireCorpus } from "../src/testing/corpus.ts";

const labs = fileURLToPath(new URL("./fixtures/labs/", import.meta.url));
const own = fileURLToPath(new URL("../src/diagnose/testing/fixtures/", import.meta.url));
const KIND = "path-mtu-black-hole";

function kinds(analysis: Analysis): string[] {
  return analysis.findings.map((f) => f.kind);
}

describe("path-mtu-black-hole", () => {
  it("the lab: 1448-byte segments resent 4 times until the client gave up, an error; no packet-loss", async () => {
    const analysis = await analyzeCapture(`${labs}path-mtu-black-hole.pcap`);
    const first = analysis.findings[0]!;
    assert.equal(first.kind, KIND);
    assert.equal(first.layer, "network");
    assert.equal(first.severity, "error");
    // The first full-size send (frame 8, 27.2 ms) -> the client's FIN (frame 20, 3005.4 ms).
    assert.ok(Math.abs(first.costMs - 2978.2) < 0.1, `${first.costMs}`);
    // First send, the fast retransmit, the last resend before the client gave up, its FIN.
    assert.deepEqual(first.evidence.frames, [8, 16, 19, 20]);
    assert.deepEqual(first.evidence.facts, {
      sender: "server",
      segmentBytes: 1448,
      largestDeliveredBytes: 608,
      deliveredBytes: "97, 608",
      resends: 4,
      gotThrough: 0,
      worstMs: 2978.228,
    });
    assert.match(
      analysis.summary.headline,
      /^1 of 1 request failed \(the network: path-MTU black hole: 1448-byte segments never arrived/,
    );
    assert.ok(!kinds(analysis).includes("packet-loss"), kinds(analysis).join(", "));
    // One story: at the server the response "ended" at its last send, but the client closed
    // (frame 20) acknowledging only the head: it failed, and its time to the FIN is the network's.
    assert.equal(analysis.summary.failures, 1);
    const exchange = analysis.exchanges[0]!;
    assert.ok(
      Math.abs(exchange.startMs + exchange.durationMs - 3005.4) < 0.1,
      `${exchange.durationMs}`,
    );
    assert.ok(analysis.summary.byLayer.network > 2950, JSON.stringify(analysis.summary.byLayer));
  });

  it("got through in smaller segments (pmtu-recovered.pcap): a warning, first send -> the ACK of all", async () => {
    const analysis = await analyzeCapture(`${own}pmtu-recovered.pcap`);
    const first = analysis.findings[0]!;
    assert.equal(first.kind, KIND);
    assert.equal(first.severity, "warning");
    // Frame 8 (42.6 ms) first sent seq 126 at 1448 bytes; resent at 14, 18, 19, 20; resent as
    // 1024 bytes at frame 21 (3184.3 ms); frame 34 ACKs everything (3184.4 ms).
    assert.ok(Math.abs(first.costMs - 3141.8) < 0.1, `${first.costMs}`);
    assert.deepEqual(first.evidence.frames, [8, 14, 20, 34]);
    assert.equal(first.evidence.facts?.gotThrough, 1);
    assert.equal(first.evidence.facts?.segmentBytes, 1448);
    assert.match(first.title, /until smaller ones got through/);
    // The 1024-byte resends that carried the body through are the black hole's, not loss.
    assert.ok(!kinds(analysis).includes("packet-loss"), kinds(analysis).join(", "));
  });

  it("an ICMP frag-needed quoting the connection in the capture (pmtu-icmp-seen.pcap): no black hole, loss", async () => {
    // The router's frag-needed (frames 13-16, 22-25, ...) reached the server's interface and its
    // own firewall dropped them: the path did say so, and the resends stay packet-loss's.
    const analysis = await analyzeCapture(`${own}pmtu-icmp-seen.pcap`);
    assert.ok(!kinds(analysis).includes(KIND), kinds(analysis).join(", "));
    const loss = analysis.findings.find((f) => f.kind === "packet-loss")!;
    assert.equal(loss.count, 8);
    assert.deepEqual(loss.evidence.frames, [8, 34]);
  });

  it("an outage after the head (outage-after-head.pcap) is loss: nothing smaller got through after it", async () => {
    // The router drops everything from the server from 250 ms on: the body (frames 8-12) and its
    // resends (13-16) all vanish, the 608-byte tail too, so no SACK comes back; curl gives up.
    const analysis = await analyzeCapture(`${own}outage-after-head.pcap`);
    assert.ok(!kinds(analysis).includes(KIND), kinds(analysis).join(", "));
    const loss = analysis.findings.find((f) => f.kind === "packet-loss")!;
    assert.equal(loss.count, 4);
    assert.deepEqual(loss.evidence.frames, [8, 16]);
  });

  it("random loss and healthy bulk downloads are no black hole; packet-loss keeps its 7 resends", async () => {
    const loss = await analyzeCapture(`${labs}packet-loss.pcap`);
    assert.ok(!kinds(loss).includes(KIND));
    const lossFinding = loss.findings.find((f) => f.kind === "packet-loss")!;
    assert.equal(lossFinding.count, 7);
    for (const file of [
      `${labs}bandwidth-bottleneck.pcap`,
      `${labs}receive-window-limited.pcap`,
      `${own}healthy-nginx.pcap`,
    ]) {
      assert.ok(!kinds(await analyzeCapture(file)).includes(KIND), file);
    }
  });

  it("no capture of the shared corpus shows one (lossy ones included)", async (t) => {
    if (!requireCorpus(t)) return;
    const files = readdirSync(corpusDir).filter((f) => !f.endsWith(".tsv") && !f.endsWith(".gz"));
    let lossy = 0;
    for (const file of files) {
      let analysis: Analysis;
      try {
        analysis = await analyzeCapture(corpusPath(file));
      } catch {
        continue; // coded errors are diagnose-corpus.test.ts's
      }
      assert.ok(!kinds(analysis).includes(KIND), file);
      if (kinds(analysis).includes("packet-loss")) lossy++;
    }
    assert.ok(lossy >= 5, `${lossy} lossy captures`);
  });
});
