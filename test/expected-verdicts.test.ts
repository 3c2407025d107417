/**
 * The expected-verdict table (test/expected-verdicts.tsv): for every capture in the shared corpus,
 * what a network engineer reads in it (written from its MANIFEST line and tshark's view of it),
 * and analyzeCapture held to that: the verdict, the layer it blames, the leading finding and its
 * cost, kinds that must and must not be found. On every capture, the report tells one story: no
 * finding costs more than the capture's time, and a failure in the headline names its cause.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Analysis, analyzeCapture } from "../src/diagnose/index.ts";
import { corpusDir, corpusPath, requireCorpus } from "../src/testing/corpus.ts";

interface Expected {
  file: string;
  verdict: "healthy" | "slow" | "failure" | "unreadable";
  blame: string;
  lead: { kind: string; lo: number; hi: number } | null;
  also: string[];
  never: string[];
  note: string;
}

const table = fileURLToPath(new URL("./expected-verdicts.tsv", import.meta.url));

function list(cell: string): string[] {
  return cell === "-" ? [] : cell.split(",");
}

function readTable(): Expected[] {
  const rows: Expected[] = [];
  const lines = readFileSync(table, "utf8").split("\n");
  for (const [i, line] of lines.entries()) {
    if (line === "" || line.startsWith("#") || line.startsWith("file\t")) continue;
    const cells = line.split("\t");
    assert.equal(cells.length, 7, `expected-verdicts.tsv line ${i + 1}: 7 columns`);
    const [file, verdict, blame, lead, also, never, note] = cells as [string, ...string[]];
    assert.match(verdict!, /^(healthy|slow|failure|unreadable)$/, `line ${i + 1}`);
    let parsedLead: Expected["lead"] = null;
    if (lead !== "-") {
      const m = /^([a-z-]+):(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(lead!);
      assert.ok(m, `expected-verdicts.tsv line ${i + 1}: lead "${lead}"`);
      parsedLead = { kind: m[1]!, lo: Number(m[2]), hi: Number(m[3]) };
    }
    rows.push({
      file,
      verdict: verdict as Expected["verdict"],
      blame: blame!,
      lead: parsedLead,
      also: list(also!),
      never: list(never!),
      note: note!,
    });
  }
  return rows;
}

/** Kinds that are no fault whatever they cost: their time is no excess. */
const NORMAL_KINDS = new Set(["network-round-trips", "client-think-time", "reordering"]);

function verdictOf(a: Analysis): Expected["verdict"] {
  if (a.summary.failures > 0 || a.findings.some((f) => f.severity === "error")) return "failure";
  if (a.findings.some((f) => f.severity === "warning")) return "slow";
  return "healthy";
}

/** Every disagreement with the row, in words; empty when the analysis agrees. */
function disagreements(row: Expected, a: Analysis): string[] {
  const out: string[] = [];
  const kinds = a.findings.map((f) => `${f.kind}/${f.layer}/${f.severity}/${Math.round(f.costMs)}`);
  const verdict = verdictOf(a);
  if (verdict !== row.verdict) out.push(`verdict ${verdict}, expected ${row.verdict}`);
  const first = a.findings[0];
  if (row.blame !== "-" && first?.layer !== row.blame) {
    out.push(`blames ${first?.layer ?? "nothing"}, expected ${row.blame}`);
  }
  if (row.lead !== null) {
    if (first?.kind !== row.lead.kind)
      out.push(`leads with ${first?.kind}, expected ${row.lead.kind}`);
    else if (first.costMs < row.lead.lo || first.costMs > row.lead.hi) {
      out.push(`${first.kind} costs ${first.costMs} ms, expected ${row.lead.lo}-${row.lead.hi}`);
    }
  }
  for (const kind of row.also) {
    if (!a.findings.some((f) => f.kind === kind)) out.push(`no ${kind}`);
  }
  for (const kind of row.never) {
    if (a.findings.some((f) => f.kind === kind)) out.push(`${kind} found`);
  }
  // One story: no cost beyond the time the capture covers; a failure names its cause.
  for (const f of a.findings) {
    if (f.costMs > a.capture.durationMs + 1) {
      out.push(`${f.kind} costs ${f.costMs} ms in a ${a.capture.durationMs} ms capture`);
    }
  }
  // The layer the verdict blames holds the largest share of the excess in Time by layer: each
  // layer's time less what is no excess (round trips, a client's idle time: the info-capped kinds).
  const lead = a.findings.find((f) => f.severity === "warning");
  // Or the headline says why not: where the time shows ("… in the network's time").
  const saysWhere = /in the [a-z-]+(?: [A-Za-z]+)?'s time/.test(a.summary.headline);
  if (verdict === "slow" && lead !== undefined && !saysWhere) {
    const normal: Record<string, number> = {};
    for (const f of a.findings) {
      if (NORMAL_KINDS.has(f.kind)) normal[f.layer] = (normal[f.layer] ?? 0) + f.costMs;
    }
    const excess = (layer: string) =>
      (a.summary.byLayer[layer as keyof typeof a.summary.byLayer] ?? 0) - (normal[layer] ?? 0);
    for (const layer of Object.keys(a.summary.byLayer)) {
      if (layer !== lead.layer && excess(layer) > excess(lead.layer) + 1) {
        out.push(
          `blames ${lead.layer} (${Math.round(excess(lead.layer))} ms) but ${layer} holds ${Math.round(excess(layer))} ms of excess`,
        );
      }
    }
  }
  if (a.summary.failures > 0 && !/failed \(/.test(a.summary.headline)) {
    out.push(`the headline names no cause: "${a.summary.headline}"`);
  }
  if (verdict === "healthy" && !a.summary.headline.startsWith("No problem found")) {
    out.push(`healthy but the headline says "${a.summary.headline}"`);
  }
  return out.length === 0 ? out : [...out, `(findings: ${kinds.join(" ") || "none"})`];
}

describe("expected verdicts on the shared corpus", () => {
  it("the table has one row per capture in the corpus", (t) => {
    if (!requireCorpus(t)) return;
    const files = readdirSync(corpusDir)
      .filter((f) => !f.endsWith(".tsv"))
      .sort();
    assert.deepEqual(
      readTable()
        .map((r) => r.file)
        .sort(),
      files,
    );
  });

  it("analyze gives every capture the verdict its row expects", async (t) => {
    if (!requireCorpus(t)) return;
    const wrong: string[] = [];
    for (const row of readTable()) {
      let analysis: Analysis;
      try {
        analysis = await analyzeCapture(corpusPath(row.file), { all: true });
      } catch (error) {
        if (row.verdict !== "unreadable") wrong.push(`${row.file}: ${String(error)}`);
        continue;
      }
      const problems = disagreements(row, analysis);
      if (problems.length > 0) wrong.push(`${row.file}: ${problems.join("; ")}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("the issue's cases: each tells one story with its numbers", async (t) => {
    if (!requireCorpus(t)) return;
    const at = (file: string) => analyzeCapture(corpusPath(file));
    // latency2: the network (SYN -> SYN/ACK 0.895 s, request -> ACK 1.155 s), in headline and bar.
    const latency2 = await at("latency2.pcapng");
    assert.match(
      latency2.summary.headline,
      /100% of the excess was the network: high-latency path/,
    );
    assert.ok(latency2.summary.byLayer.network > 0.95 * latency2.summary.totalMs);
    // 206_example_a: iRTT 370 ms (Karn: the SYN/ACK pairs with the last SYN), not 3.37 s.
    const a206 = await at("206_example_a.pcap");
    const path = a206.findings.find((f) => f.kind === "high-latency-path")!;
    assert.ok(
      Math.abs(Number(path.evidence.facts?.handshakeRttMs) - 370.2) < 1,
      JSON.stringify(path),
    );
    // nowebaccess2: three refused SYNs are three failed attempts over ~1 s, in Time by layer.
    const refused = await at("nowebaccess2.pcapng");
    assert.equal(refused.summary.failedConnections, 3);
    assert.ok(Math.abs(refused.summary.byLayer["server-os"] - 999.158) < 1);
    assert.match(
      refused.summary.headline,
      /^3 of 3 requests failed \(the server OS: connection refused/,
    );
    // get-to-ssh-server: the failure names its cause.
    const ssh = await at("get-to-ssh-server.pcap");
    assert.match(
      ssh.summary.headline,
      /^1 of 1 request failed \(the server app: the server aborted/,
    );
    // http_espn_fail: nine parallel attempts' cost is the union of their waits, within the capture.
    const fail = await at("http_espn_fail.pcapng");
    const syn = fail.findings.find((f) => f.kind === "syn-unanswered")!;
    assert.ok(syn.costMs <= fail.capture.durationMs, `${syn.costMs} in ${fail.capture.durationMs}`);
    assert.ok(Math.abs(syn.costMs - fail.summary.failedConnectionsMs) < 1);
  });

  it("http_espn cut after 430 packets: what was in flight is capture-ended, not a failure", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("http_espn.pcapng"), { maxPackets: 430 });
    assert.equal(a.summary.failures, 0, a.summary.headline);
    assert.ok(!a.findings.some((f) => f.kind === "syn-unanswered" || f.kind === "dns-failure"));
    const ended = a.findings.find((f) => f.kind === "capture-ended");
    assert.ok(ended, a.findings.map((f) => f.kind).join(", "));
    assert.equal(ended.severity, "info");
    assert.match(a.summary.headline, /^No problem found/);
  });
});
