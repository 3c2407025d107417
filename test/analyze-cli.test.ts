/**
 * `wirewhy analyze` end to end on the bundled captures this project recorded
 * (scripts/record-example.ts, in a network namespace with MTU 1500):
 *
 * - examples/slow-endpoint.pcap: one keep-alive connection (tcp.stream 0) with 20 requests; GET
 *   /api/report (exchanges 3, 8, 14) waits 300 ms in the handler: requests in frames 49, 66, 80,
 *   responses in frames 51, 68, 82, waits of 301.172, 300.884 and 300.788 ms (tshark's http.time);
 *   then a SYN to port 9090 (frame 97) answered by the kernel's RST/ACK (frame 98).
 * - examples/healthy-keep-alive.pcap: the same 20 requests, none slow, no refused connection.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import type { Analysis } from "../src/diagnose/types.ts";
import { LAYERS } from "../src/model/finding.ts";
import { repoRoot } from "../src/testing/corpus.ts";

const SLOW = "examples/slow-endpoint.pcap";
const HEALTHY = "examples/healthy-keep-alive.pcap";
/** Frame 60's record starts at byte 59,929 of slow-endpoint.pcap: cut 716 bytes into it. */
const CUT_AT_BYTES = 59_929 + 716;
/** tshark -Y http.response -T fields -e http.time, for the three GET /api/report. */
const THINK_MS = 301.172 + 300.884 + 300.788;

function wirewhy(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    ...(input ? { input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function analysisOf(args: string[]): Analysis {
  const r = wirewhy(["analyze", ...args, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return analysisSchema.parse(JSON.parse(r.stdout)) as Analysis;
}

function close(actual: number, expected: number, within: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= within,
    `${what}: ${actual}, expected ${expected} ± ${within}`,
  );
}

test("analyze --json: a valid wirewhy.analysis/1 with the server-app verdict and its frames", () => {
  const a = analysisOf([SLOW]);
  assert.equal(a.schema, "wirewhy.analysis/1");
  assert.equal(a.capture.packets, 98);
  assert.equal(a.capture.partial, false);
  assert.equal(a.vantage.kind, "loopback");
  assert.equal(a.summary.connections, 2);
  assert.equal(a.summary.exchanges, 20);
  assert.equal(a.exchanges.length, 20);
  assert.equal(a.exchangesOmitted, 0);

  const think = a.findings.find((f) => f.kind === "server-think-time");
  assert.ok(think, JSON.stringify(a.findings.map((f) => f.kind)));
  assert.equal(think.layer, "server-app");
  assert.equal(think.count, 3);
  close(think.costMs, THINK_MS, THINK_MS * 0.1, "think time");
  for (const frame of [49, 51, 66, 68, 80, 82]) assert.ok(think.evidence.frames.includes(frame));
  assert.deepEqual(
    [...(think.evidence.exchanges ?? [])].sort((x, y) => x - y),
    [3, 8, 14],
  );

  const refused = a.findings.find((f) => f.kind === "connection-refused");
  assert.ok(refused);
  assert.equal(refused.layer, "server-os");
  assert.equal(refused.severity, "error");
  assert.deepEqual(refused.evidence.frames, [97, 98]);
  assert.equal(a.findings[0].kind, "connection-refused", "failures come first");

  // The cost arithmetic: every exchange's charges sum to its duration, the layers to the total.
  let totalMs = 0;
  for (const x of a.exchanges) {
    let charged = 0;
    for (const p of x.phases) for (const ms of Object.values(p.charges)) charged += ms ?? 0;
    close(charged, x.durationMs, 1e-6, `exchange ${x.id}'s charges`);
    totalMs += x.durationMs;
  }
  // The refused attempt's SYN → RST is the time Time by layer adds for failed connections.
  close(a.summary.totalMs, totalMs + a.summary.failedConnectionsMs, 1e-6, "summary.totalMs");
  assert.equal(a.summary.failedConnections, 1);
  close(
    LAYERS.reduce((sum, layer) => sum + a.summary.byLayer[layer], 0),
    a.summary.totalMs,
    1e-6,
    "byLayer",
  );
  close(a.summary.byLayer["server-app"], THINK_MS, 10, "server-app time");
  // Slowest first: the three GET /api/report.
  assert.deepEqual(
    a.exchanges.slice(0, 3).map((x) => x.id),
    [3, 8, 14],
  );
  close(a.exchanges[0].durationMs, 303.741, 0.001, "exchange 3");
});

test("analyze --slowest N keeps N exchanges and counts the others", () => {
  const a = analysisOf([SLOW, "--slowest", "2"]);
  assert.deepEqual(
    a.exchanges.map((x) => x.id),
    [3, 8],
  );
  assert.equal(a.exchangesOmitted, 18);
  assert.equal(a.summary.exchanges, 20);
  // --all keeps every exchange whatever --slowest says, still slowest first.
  const all = analysisOf([SLOW, "--all", "--slowest", "2"]);
  assert.equal(all.exchanges.length, 20);
  assert.equal(all.exchangesOmitted, 0);
  assert.deepEqual(
    all.exchanges.slice(0, 3).map((x) => x.id),
    [3, 8, 14],
  );
  // The text report draws what was asked for: 2 rows.
  const text = wirewhy(["analyze", SLOW, "--slowest", "2"]);
  assert.match(text.stdout, /Slowest exchanges \(2 of 20,/);
});

test("analyze: the terminal report names the verdict, the findings' frames and the waterfall", () => {
  const r = wirewhy(["analyze", SLOW]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], `wirewhy analyze ${SLOW}`);
  assert.match(
    lines[1],
    /^pcap, 98 packets over 983 ms, 2 connections, 20 exchanges · vantage loopback \(100% sure\)$/,
  );
  // The headline (wrapped at 100 columns) names the server app's think time on GET /api/report.
  const headline = r.stdout.split("\n\n")[1].replace(/\s+/g, " ");
  assert.match(headline, /server app.*GET \/api\/report/);
  assert.ok(lines.slice(3, 6).every((line) => line.length <= 100));
  assert.match(r.stdout, /\[server-os\] .*\(connection-refused/);
  assert.match(r.stdout, /\[server-app\] .*\(server-think-time, 3×, 9\d\d ms\)/);
  assert.match(r.stdout, /frames 97, 98 · connection 1 /);
  assert.match(r.stdout, /frames [\d, ]*\b51\b[\d, ]*\b68\b[\d, ]*\b82\b/);
  assert.match(r.stdout, /#3 {2}GET \/api\/report +200 +304 ms +0 {2}█{40}\n/);
  assert.match(r.stdout, /wait 301 ms server-app/);
  assert.match(r.stdout, /\nAssumed\n {2}· .*loopback/);
});

test("analyze --markdown: the same report as tables, without colour", () => {
  const r = wirewhy(["analyze", "--markdown", "-r", SLOW]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`## wirewhy analysis of \`${SLOW}\`\n`));
  assert.ok(r.stdout.includes("| layer | time | share |\n|---|---:|---:|\n| server-app |"));
  assert.match(r.stdout, /\| 1 \| error \| server-os \| .* \| 1 \| frames 97, 98 · connection 1 /);
  assert.match(
    r.stdout,
    /\| 3 \| GET \/api\/report \| 200 \| 304 ms \| 0 \| .*wait 301 ms server-app \| `█{30}` \|/,
  );
  assert.ok(!r.stdout.includes("\u001b["));
});

test("analyze -v and --all list every finding in the text report, the informational ones too", () => {
  const lossy = "test/fixtures/labs/packet-loss.pcap";
  const a = analysisOf([lossy]);
  const info = a.findings.filter((f) => f.severity === "info");
  assert.ok(info.length > 0, "the example has informational findings");
  for (const flag of ["-v", "--all"]) {
    const r = wirewhy(["analyze", flag, lossy]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(`Findings (${a.findings.length})`), r.stdout);
    for (const [i, f] of a.findings.entries()) {
      assert.ok(r.stdout.includes(` ${i + 1}. ${f.severity.padEnd(7)} [${f.layer}]`), f.kind);
    }
  }
});

test("analyze on a healthy capture: one line and the counts", () => {
  const r = wirewhy(["analyze", HEALTHY]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^✓ healthy: /);
  assert.match(
    lines[1],
    /^ {2}examples\/healthy-keep-alive\.pcap: pcap, 90 packets over [\d.]+ ms, 1 connection, 20 exchanges · vantage loopback/,
  );
  assert.equal(lines.length, 2, r.stdout);
  const a = analysisOf([HEALTHY]);
  const loud = a.findings.filter((f) => f.severity !== "info" && f.costMs > 5);
  assert.deepEqual(loud, []);
});

test("analyze reads standard input and stops at --max-packets without calling it damage", () => {
  const r = wirewhy(["analyze", "-", "--json"], readFileSync(join(repoRoot, SLOW)));
  assert.equal(r.status, 0, r.stderr);
  const a = JSON.parse(r.stdout) as Analysis;
  assert.equal(a.capture.source, "-");
  assert.equal(a.summary.exchanges, 20);
  // Frames 1-46: the handshake and the first two requests (GET /, GET /static/app.js).
  const head = wirewhy(["analyze", SLOW, "-c", "46", "--json"]);
  assert.equal(head.status, 0, head.stderr);
  const h = JSON.parse(head.stdout) as Analysis;
  assert.equal(h.capture.packets, 46);
  assert.equal(h.summary.exchanges, 2);
  // One name for it across commands (-c/--count), the older --max-packets kept.
  for (const flag of ["--count", "--max-packets"]) {
    const same = JSON.parse(wirewhy(["analyze", SLOW, flag, "46", "--json"]).stdout) as Analysis;
    assert.equal(same.capture.packets, 46, flag);
  }
});

test("analyze: a missing file is exit 2; a cut file gives the report of what was read and exit 3", () => {
  const missing = wirewhy(["analyze", "examples/no-such-file.pcap"]);
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /^wirewhy: .*no-such-file\.pcap/);
  assert.equal(missing.stderr.trimEnd().split("\n").length, 1);

  // Our own capture cut inside frame 60's record.
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-analyze-"));
  try {
    const bytes = readFileSync(join(repoRoot, SLOW));
    const cut = join(dir, "cut.pcap");
    writeFileSync(cut, bytes.subarray(0, CUT_AT_BYTES));
    const r = wirewhy(["analyze", cut]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^wirewhy: warning \[truncated-record\] at byte \d+/);
    assert.match(r.stdout, /⚠ partial: the analysis covers the first 59 packets/);
    assert.match(r.stdout, /server-think-time/);
    const j = wirewhy(["analyze", cut, "--json"]);
    assert.equal(j.status, 3);
    const a = analysisSchema.parse(JSON.parse(j.stdout)) as Analysis;
    assert.equal(a.capture.partial, true);
    assert.equal(a.capture.packets, 59);
    assert.equal(a.capture.warnings[0].code, "truncated-record");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("docs/analysis.schema.json is what scripts/analysis-schema.ts generates", async () => {
  const { analysisJsonSchema } = await import("../scripts/analysis-schema.ts");
  const committed = JSON.parse(readFileSync(join(repoRoot, "docs/analysis.schema.json"), "utf8"));
  assert.deepEqual(committed, analysisJsonSchema());
  assert.equal(committed.title, "wirewhy.analysis/1");
});
