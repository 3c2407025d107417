/**
 * `wirewhy probe` modes on local servers: HTTP/2 by ALPN, --reuse on one keep-alive connection,
 * IPv6, the kernel's socket view, the server-time arithmetic, --capture with --keep-capture, and
 * the JSON contract of the CLI.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createSecureServer } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test, { type TestContext } from "node:test";
import { promisify } from "node:util";
import { severityForCost } from "../src/diagnose/severity.ts";
import { probeUrl } from "../src/probe/run-probe.ts";
import { makeCertificates } from "../src/probe/testing/certificates.ts";
import type { ProbeResult } from "../src/probe/types.ts";
import { repoRoot, requireCommand, requireOrSkip } from "../src/testing/corpus.ts";

const SERVER_DELAY_MS = 80;

async function delayedServer(t: TestContext, host = "127.0.0.1"): Promise<number> {
  const server: Server = createHttpServer((_req, res) => {
    setTimeout(() => res.end("x".repeat(10_000)), SERVER_DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

test("server time is the wait minus the kernel's RTT, and server-app is the verdict", async (t) => {
  if (!requireCommand(t, "ss")) return;
  const port = await delayedServer(t);
  const result = await probeUrl(`http://127.0.0.1:${port}/`, { runs: 3 });
  for (const run of result.runs) {
    assert.equal(run.failure, null);
    assert.ok(run.kernel, "kernel view read");
    assert.ok((run.kernel.rttMs as number) > 0 && (run.kernel.minRttMs as number) > 0);
    assert.equal(run.kernel.retransmits, 0);
    assert.equal(run.rttSource, "kernel-min-rtt");
    assert.equal(
      run.serverMs,
      Math.round(((run.phases.waitMs as number) - (run.rttMs as number)) * 1000) / 1000,
    );
    assert.ok((run.serverMs as number) >= SERVER_DELAY_MS - 1, `server ${run.serverMs} ms`);
    const sum = Object.values(run.layers).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - run.phases.totalMs) < 0.01, "the layers tile the request");
  }
  assert.equal(new Set(result.runs.map((r) => r.localPort)).size, 3, "a fresh connection each run");
  assert.equal(result.verdict.layer, "server-app");
  assert.ok(result.verdict.ms >= SERVER_DELAY_MS - 1);
  assert.equal(result.summary.waitMs?.samples, 3);
  assert.ok((result.summary.waitMs?.min as number) <= (result.summary.waitMs?.median as number));
  const f = result.findings.find((x) => x.kind === "server-think-time");
  assert.ok(f, "server think time is reported from SERVER_THINK_MIN_MS per request, as in analyze");
  assert.equal(f.layer, "server-app");
  assert.equal(f.count, 3);
  assert.ok(f.costMs >= 3 * (SERVER_DELAY_MS - 1), `cost ${f.costMs} ms`);
  // A per-request kind, as in analyze: the worst request's own think time decides.
  const worst = Math.max(...result.runs.map((r) => r.serverMs as number));
  assert.equal(f.severity, severityForCost(worst, false), "ranked as analyze ranks it");
});

test("--reuse sends every request on one keep-alive connection", async (t) => {
  const port = await delayedServer(t);
  const result = await probeUrl(`http://127.0.0.1:${port}/`, { runs: 3, reuse: true });
  assert.deepEqual(
    result.runs.map((r) => r.reused),
    [false, true, true],
  );
  assert.equal(new Set(result.runs.map((r) => r.localPort)).size, 1);
  for (const run of result.runs.slice(1)) {
    assert.equal(run.phases.connectMs, 0);
    assert.equal(run.phases.dnsMs, 0);
    assert.equal(run.status, 200);
  }
});

test("IPv6: a [::1] URL connects over IPv6 and says so", async (t) => {
  const port = await delayedServer(t, "::1");
  const result = await probeUrl(`http://[::1]:${port}/`);
  assert.equal(result.address, "::1");
  assert.equal(result.runs[0].family, 6);
  assert.deepEqual(
    result.runs[0].attempts.map((a) => [a.address, a.family, a.outcome]),
    [["::1", 6, "connected"]],
  );
});

test("HTTP/2 by ALPN, with TLS version, ALPN and resumption reported", async (t) => {
  if (!requireCommand(t, "openssl")) return;
  const certs = makeCertificates(["DNS:localhost", "IP:127.0.0.1"]);
  t.after(() => certs.remove());
  const server = createSecureServer(
    { cert: readFileSync(certs.leafCert), key: readFileSync(certs.leafKey), allowHTTP1: true },
    (_req, res) => res.end("h2 body"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const url = `https://localhost:${port}/`;
  const result = await probeUrl(url, { caFile: certs.caCert, runs: 2, tlsResume: true, family: 4 });
  for (const run of result.runs) {
    assert.equal(run.failure, null, run.failure?.message);
    assert.equal(run.httpVersion, "2");
    assert.equal(run.tls?.alpn, "h2");
    assert.equal(run.tls?.version, "TLSv1.3");
    assert.equal(run.status, 200);
    assert.equal(run.responseBytes, 7);
  }
  assert.equal(result.runs[0].tls?.resumed, false);
  assert.equal(
    result.runs[1].tls?.resumed,
    true,
    "the second connection resumed the first's session",
  );
  const h1 = await probeUrl(url, { caFile: certs.caCert, httpVersion: "1.1", family: 4 });
  assert.equal(h1.runs[0].httpVersion, "1.1");
  assert.equal(h1.runs[0].tls?.alpn, "http/1.1");
});

test("--capture --keep-capture records the probe's own packets", async (t) => {
  if (!requireOrSkip(t, process.getuid?.() === 0, "capturing needs root")) return;
  if (!requireCommand(t, "tcpdump")) return;
  const port = await delayedServer(t);
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-probe-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "probe.pcap");
  const result = await probeUrl(`http://127.0.0.1:${port}/`, {
    runs: 2,
    keepCaptureFile: file,
    captureInterface: "lo",
  });
  assert.ok(existsSync(file));
  assert.equal(result.capture?.file, file);
  assert.equal(result.capture?.filter, `tcp port ${port}`);
  // Each run: SYN, SYN/ACK, ACK, request, response, FINs... read back with tcpdump itself.
  const lines = execFileSync("tcpdump", ["-n", "-r", file], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .trim()
    .split("\n");
  assert.equal(result.capture?.packetsCaptured, lines.length);
  // The packet analysis names the server's think time on both requests, with data frames as proof.
  const analysis = result.capture?.analysis;
  assert.equal(analysis?.status, "analyzed", analysis?.reason ?? "");
  const think = analysis?.findings.find((f) => f.kind === "server-think-time");
  assert.ok(think, `findings: ${analysis?.findings.map((f) => f.kind).join(", ")}`);
  assert.equal(think.layer, "server-app");
  assert.equal(think.count, 2);
  assert.ok(
    Math.abs(think.costMs - 2 * SERVER_DELAY_MS) <= 0.1 * 2 * SERVER_DELAY_MS,
    `cost ${think.costMs} ms for 2 × ${SERVER_DELAY_MS} ms`,
  );
  assert.equal(think.evidence.frames.length, 4);
  for (const frame of think.evidence.frames) {
    assert.match(lines[frame - 1], /length [1-9]/, `frame ${frame} carries data`);
  }
  for (const run of result.runs) {
    const syn = lines.filter((l) => l.includes(`.${run.localPort} > `) && l.includes("Flags [S]"));
    assert.equal(syn.length, 1, `one SYN from local port ${run.localPort}`);
    // The request: data (PSH) from the probe's port.
    assert.ok(lines.some((l) => l.includes(`.${run.localPort} > `) && l.includes("Flags [P.]")));
  }
});

test("CLI --json keeps the contract names; bad input is one line and exit 2", async (t) => {
  const port = await delayedServer(t);
  // Asynchronously: the server runs in this process and must answer while the CLI waits.
  const cli = await promisify(execFile)(
    process.execPath,
    [`${repoRoot}/bin/wirewhy.js`, "probe", `http://127.0.0.1:${port}/`, "-n", "2", "--json"],
    { encoding: "utf8", timeout: 30_000 },
  );
  const json = JSON.parse(cli.stdout) as ProbeResult;
  assert.equal(json.url, `http://127.0.0.1:${port}/`);
  assert.equal(json.address, "127.0.0.1");
  assert.equal(json.runs.length, 2);
  for (const run of json.runs) {
    assert.deepEqual(Object.keys(run.phases).sort(), [
      "connectMs",
      "dnsMs",
      "downloadMs",
      "sendMs",
      "tlsMs",
      "totalMs",
      "waitMs",
    ]);
    assert.equal(run.status, 200);
    assert.equal(typeof run.kernel?.rttMs, "number");
    assert.equal(run.kernel?.retransmits, 0);
  }
  for (const phase of [
    "dnsMs",
    "connectMs",
    "tlsMs",
    "sendMs",
    "waitMs",
    "downloadMs",
    "totalMs",
  ] as const) {
    assert.deepEqual(Object.keys(json.summary[phase] ?? {}).slice(0, 4), [
      "min",
      "median",
      "p95",
      "max",
    ]);
  }
  assert.ok(Array.isArray(json.findings));

  for (const [args, pattern] of [
    [["probe", "ftp://example.test/"], /^wirewhy: unsupported scheme "ftp:"/],
    [["probe", "http://[::1"], /^wirewhy: cannot parse/],
    [
      ["probe", "http://127.0.0.1:1/", "--timeout", "soon"],
      /^wirewhy: --timeout: expected a duration/,
    ],
    [["probe", "http://127.0.0.1:1/", "--dns-server", "nowhere"], /^wirewhy: --dns-server/],
  ] as const) {
    const bad = spawnSync(process.execPath, [`${repoRoot}/bin/wirewhy.js`, ...args], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(bad.status, 2, `${args.join(" ")}: ${bad.stderr}`);
    assert.match(bad.stderr, pattern);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  }
});
