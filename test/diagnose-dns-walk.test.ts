/**
 * dns-search-walk on the lab's capture (three NXDOMAINs for api.example.test with the search
 * domains appended, then the name itself) and on the corpus: wikipedia.pcap's four one-domain
 * walks (upload.wikimedia.org.ncsa.uiuc.edu NXDOMAIN, then upload.wikimedia.org), and captures
 * that must stay no walk: dns_lab.pcapng's one genuine NXDOMAIN (test.chrissanders.org, asked
 * after chrissanders.org resolved: a longer name, not the resolved one with a suffix), which
 * dns-failure keeps reporting, and healthy lookups (the slow-dns lab, test_dns.pcap). And glibc's
 * own walk with A and AAAA queries in parallel (src/diagnose/testing/fixtures/glibc-search-walk.pcap).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Analysis, analyzeCapture } from "../src/diagnose/index.ts";
import { corpusPath, requireCorpus } from "../src/testing/corpus.ts";

const labs = fileURLToPath(new URL("./fixtures/labs/", import.meta.url));
const KIND = "dns-search-walk";

function kinds(analysis: Analysis): string[] {
  return analysis.findings.map((f) => f.kind);
}

describe("dns-search-walk", () => {
  it("the lab: 3 NXDOMAINs before api.example.test resolved, a warning; no dns-failure", async () => {
    const analysis = await analyzeCapture(`${labs}dns-search-walk.pcap`);
    const walk = analysis.findings[0]!;
    assert.equal(walk.kind, KIND);
    assert.equal(walk.layer, "dns");
    assert.equal(walk.severity, "warning");
    // Frame 1 (the first suffixed query, 0 ms) -> frame 7 (api.example.test asked, 152.7 ms).
    assert.ok(Math.abs(walk.costMs - 152.693) < 0.01, `${walk.costMs}`);
    assert.deepEqual(walk.evidence.frames, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(walk.evidence.facts?.misses, 3);
    assert.equal(
      walk.evidence.facts?.suffixes,
      "default.svc.cluster.local, svc.cluster.local, cluster.local",
    );
    assert.match(walk.advice, /trailing dot \("api\.example\.test\."\)/);
    assert.match(walk.advice, /ndots/);
    assert.deepEqual(
      kinds(analysis).filter((k) => k.startsWith("dns") || k === "slow-dns"),
      [KIND],
    );
    assert.match(
      analysis.summary.headline,
      /DNS search-list walk: 3 NXDOMAINs before api\.example\.test/,
    );
  });

  it("glibc's own walk (glibc-search-walk.pcap): A and AAAA for each of 3 domains, 6 NXDOMAINs, 124 ms", async () => {
    const own = fileURLToPath(new URL("../src/diagnose/testing/fixtures/", import.meta.url));
    const analysis = await analyzeCapture(`${own}glibc-search-walk.pcap`);
    const walk = analysis.findings[0]!;
    assert.equal(walk.kind, KIND);
    assert.equal(walk.severity, "warning");
    assert.equal(walk.count, 1);
    assert.equal(walk.evidence.facts?.misses, 6);
    // Frame 1 (A for the first suffixed name) -> frame 13 (A api.example.test), 124.4 ms.
    assert.ok(Math.abs(walk.costMs - 124.419) < 0.01, `${walk.costMs}`);
    // The first 8 of the misses' 12 frames, then the resolving query and its answer.
    assert.deepEqual(walk.evidence.frames, [1, 2, 3, 4, 5, 6, 7, 8, 13, 15]);
    assert.ok(!kinds(analysis).includes("dns-failure"));
  });

  it("a single genuine NXDOMAIN is no walk: dns_lab.pcapng's test.chrissanders.org stays a dns-failure", async (t) => {
    if (!requireCorpus(t)) return;
    const analysis = await analyzeCapture(corpusPath("dns_lab.pcapng"));
    assert.ok(!kinds(analysis).includes(KIND));
    const failure = analysis.findings.find((f) => f.kind === "dns-failure")!;
    assert.equal(failure.count, 1);
    assert.deepEqual(failure.evidence.frames, [17, 18]);
    assert.equal(failure.evidence.facts?.outcome, "NXDOMAIN");
  });

  it("healthy lookups are no walk (the slow-dns lab, test_dns.pcap)", async (t) => {
    assert.ok(!kinds(await analyzeCapture(`${labs}slow-dns.pcap`)).includes(KIND));
    if (!requireCorpus(t)) return;
    assert.ok(!kinds(await analyzeCapture(corpusPath("test_dns.pcap"))).includes(KIND));
  });

  it("wikipedia.pcap: four one-domain walks (info), their NXDOMAINs no longer dns-failures", async (t) => {
    if (!requireCorpus(t)) return;
    const analysis = await analyzeCapture(corpusPath("wikipedia.pcap"));
    const walk = analysis.findings.find((f) => f.kind === KIND)!;
    assert.equal(walk.count, 4);
    assert.equal(walk.severity, "info");
    assert.equal(walk.evidence.facts?.suffixes, "ncsa.uiuc.edu");
    assert.ok(walk.costMs < 5, `${walk.costMs}`);
    assert.ok(!kinds(analysis).includes("dns-failure"));
  });
});
