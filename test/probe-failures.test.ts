/**
 * Each failure class of `wirewhy probe` against a real local server that fails that way: a closed
 * port, a DROP rule in a network namespace, TLS with a self-signed and with a wrong-name
 * certificate, a UDP DNS server answering NXDOMAIN / SERVFAIL / nothing, a server that resets, one
 * that closes, one that never answers, and a 503. Each must come out as an error Finding of the
 * right kind and layer.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server } from "node:net";
import test, { type TestContext } from "node:test";
import type { Finding } from "../src/model/finding.ts";
import { probeUrl } from "../src/probe/run-probe.ts";
import { makeCertificates } from "../src/probe/testing/certificates.ts";
import { startDnsServer } from "../src/probe/testing/dns-server.ts";
import { freePort } from "../src/probe/testing/free-port.ts";
import { createNetns } from "../src/probe/testing/netns.ts";
import type { ProbeResult } from "../src/probe/types.ts";
import { repoRoot, requireCommand, requireOrSkip } from "../src/testing/corpus.ts";

async function listen(t: TestContext, server: Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.after(() => {
    server.close();
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

function onlyError(result: ProbeResult): Finding {
  const errors = result.findings.filter((f) => f.severity === "error");
  assert.equal(
    errors.length,
    1,
    `one error finding, got ${JSON.stringify(result.findings.map((f) => f.kind))}`,
  );
  assert.equal(result.verdict.failed, true);
  assert.equal(result.verdict.layer, errors[0].layer);
  return errors[0];
}

test("a closed port is connection-refused, charged to the server OS", async () => {
  const port = await freePort();
  const result = await probeUrl(`http://127.0.0.1:${port}/`, { runs: 2 });
  const f = onlyError(result);
  assert.equal(f.kind, "connection-refused");
  assert.equal(f.layer, "server-os");
  assert.equal(f.count, 2);
  assert.equal(f.evidence.facts?.code, "ECONNREFUSED");
  assert.equal(result.runs[0].attempts[0].outcome, "refused");
  assert.equal(result.runs[0].phases.tlsMs, null, "the TLS phase was never reached");
  assert.ok(f.costMs < 50, `a refusal is immediate on loopback, took ${f.costMs} ms`);
});

test("a SYN dropped by a firewall is connect-timeout, charged to the network", async (t) => {
  if (!requireOrSkip(t, process.getuid?.() === 0, "needs root for network namespaces")) return;
  if (!requireCommand(t, "ip") || !requireCommand(t, "iptables")) return;
  const ns = createNetns("drop");
  t.after(() => ns.destroy());
  ns.run("iptables", ["-A", "INPUT", "-p", "tcp", "--dport", "9", "-j", "DROP"]);
  const started = Date.now();
  const cli = spawnSync(
    "ip",
    [
      "netns",
      "exec",
      ns.name,
      process.execPath,
      `${repoRoot}/bin/wirewhy.js`,
      "probe",
      "http://127.0.0.1:9/",
      "--timeout",
      "500ms",
      "--json",
    ],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(cli.status, 1, `exit code 1 for a failed probe; stderr: ${cli.stderr}`);
  const result = JSON.parse(cli.stdout) as ProbeResult;
  const f = onlyError(result);
  assert.equal(f.kind, "connect-timeout");
  assert.equal(f.layer, "network");
  assert.ok(f.costMs >= 495 && f.costMs < 1500, `cost is the 500 ms timeout, got ${f.costMs}`);
  assert.equal(result.runs[0].attempts[0].outcome, "timeout");
  assert.ok(Date.now() - started < 20_000);
});

test("TLS: a self-signed certificate is reported as such; --insecure goes on and says why", async (t) => {
  if (!requireCommand(t, "openssl")) return;
  const certs = makeCertificates(["DNS:localhost", "IP:127.0.0.1"]);
  t.after(() => certs.remove());
  const server = createHttpsServer(
    { cert: readFileSync(certs.selfCert), key: readFileSync(certs.selfKey) },
    (_req, res) => res.end("ok"),
  );
  const port = await listen(t, server as unknown as Server);
  const failed = await probeUrl(`https://127.0.0.1:${port}/`);
  const f = onlyError(failed);
  assert.equal(f.kind, "tls-certificate-untrusted");
  assert.equal(f.layer, "server-app");
  assert.equal(f.evidence.facts?.code, "DEPTH_ZERO_SELF_SIGNED_CERT");
  assert.match(f.title, /self-signed/);

  const insecure = await probeUrl(`https://127.0.0.1:${port}/`, { insecure: true });
  const run = insecure.runs[0];
  assert.equal(run.failure, null);
  assert.equal(run.status, 200);
  assert.equal(run.tls?.version, "TLSv1.3");
  assert.equal(run.tls?.authorizationError, "DEPTH_ZERO_SELF_SIGNED_CERT");
  assert.ok((run.phases.tlsMs as number) > 0);
});

test("TLS: a certificate for another name is tls-certificate-wrong-name", async (t) => {
  if (!requireCommand(t, "openssl")) return;
  const certs = makeCertificates(["DNS:other.example"]);
  t.after(() => certs.remove());
  const server = createHttpsServer(
    { cert: readFileSync(certs.leafCert), key: readFileSync(certs.leafKey) },
    (_req, res) => res.end("ok"),
  );
  const port = await listen(t, server as unknown as Server);
  const result = await probeUrl(`https://localhost:${port}/`, { caFile: certs.caCert, family: 4 });
  const f = onlyError(result);
  assert.equal(f.kind, "tls-certificate-wrong-name");
  assert.equal(f.evidence.facts?.code, "ERR_TLS_CERT_ALTNAME_INVALID");
  assert.match(f.explanation, /other\.example/);
});

test("DNS: NXDOMAIN, SERVFAIL and silence from a local DNS server are told apart", async (t) => {
  const cases = [
    { behaviour: { rcode: "NXDOMAIN" as const }, kind: "dns-nxdomain", code: "ENOTFOUND" },
    { behaviour: { rcode: "SERVFAIL" as const }, kind: "dns-servfail", code: "ESERVFAIL" },
    { behaviour: { silent: true as const }, kind: "dns-timeout", code: "ETIMEOUT" },
  ];
  for (const c of cases) {
    const dns = await startDnsServer(c.behaviour);
    t.after(() => dns.close());
    const result = await probeUrl("http://app.wirewhy.test:8080/", {
      dnsServer: dns.server,
      timeoutMs: 400,
    });
    const f = onlyError(result);
    assert.equal(f.kind, c.kind);
    assert.equal(f.layer, "dns");
    assert.equal(f.evidence.facts?.code, c.code);
    assert.ok(
      dns.queries.some((q) => q.name === "app.wirewhy.test" && q.type === 1),
      "the A query reached our server",
    );
    assert.equal(result.runs[0].phases.connectMs, null);
    if (c.kind === "dns-timeout")
      assert.ok(f.costMs >= 390 && f.costMs < 1000, `timeout cost ${f.costMs}`);
  }
});

test("DNS: addresses from --dns-server are used, and a failing first address is reported", async (t) => {
  const server = createHttpServer((_req, res) => res.end("ok"));
  const port = await listen(t, server as unknown as Server);
  // ::1 first (AAAA before A), where nothing listens on this port: refused, then 127.0.0.1.
  const dns = await startDnsServer({ a: "127.0.0.1", aaaa: "::1" });
  t.after(() => dns.close());
  const result = await probeUrl(`http://app.wirewhy.test:${port}/`, { dnsServer: dns.server });
  const run = result.runs[0];
  assert.deepEqual(run.resolved, ["::1", "127.0.0.1"]);
  assert.deepEqual(
    run.attempts.map((a) => [a.address, a.outcome]),
    [
      ["::1", "refused"],
      ["127.0.0.1", "connected"],
    ],
  );
  assert.equal(result.address, "127.0.0.1");
  assert.equal(run.status, 200);
  const fallback = result.findings.find((f) => f.kind === "address-fallback");
  assert.ok(fallback, "address-fallback reported");
  assert.equal(fallback.layer, "network");
  assert.equal(fallback.evidence.facts?.failedAddresses, "::1");
});

test("a server that resets after the request: connection-reset in the wait phase", async (t) => {
  const server = createNetServer((socket) => {
    socket.once("data", () => socket.resetAndDestroy());
  });
  const port = await listen(t, server);
  const result = await probeUrl(`http://127.0.0.1:${port}/`);
  const f = onlyError(result);
  assert.equal(f.kind, "connection-reset");
  assert.equal(f.layer, "server-app");
  assert.equal(f.evidence.facts?.phase, "wait");
  assert.match(f.title, /after the request was sent, before any response byte/);
  assert.equal(result.runs[0].status, null);
});

test("a server that resets mid-response: connection-reset in the download phase", async (t) => {
  const server = createNetServer((socket) => {
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial", () =>
        setTimeout(() => socket.resetAndDestroy(), 30),
      );
    });
  });
  const port = await listen(t, server);
  const result = await probeUrl(`http://127.0.0.1:${port}/`);
  const f = onlyError(result);
  assert.equal(f.kind, "connection-reset");
  assert.equal(f.evidence.facts?.phase, "download");
  assert.ok((result.runs[0].phases.downloadMs as number) >= 25);
});

test("a server that closes without answering: connection-closed", async (t) => {
  const server = createNetServer((socket) => {
    socket.once("data", () => socket.end());
  });
  const port = await listen(t, server);
  const f = onlyError(await probeUrl(`http://127.0.0.1:${port}/`));
  assert.equal(f.kind, "connection-closed");
  assert.equal(f.layer, "server-app");
});

test("a server that never answers: response-timeout after --timeout", async (t) => {
  const server = createNetServer(() => {});
  const port = await listen(t, server);
  const f = onlyError(await probeUrl(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }));
  assert.equal(f.kind, "response-timeout");
  assert.equal(f.layer, "server-app");
  assert.ok(f.costMs >= 295 && f.costMs < 800, `cost ${f.costMs}`);
});

test("HTTP 503 is http-server-error, charged to the server app", async (t) => {
  const server = createHttpServer((_req, res) => {
    res.statusCode = 503;
    res.end("down");
  });
  const port = await listen(t, server as unknown as Server);
  const result = await probeUrl(`http://127.0.0.1:${port}/`, { runs: 3 });
  const f = onlyError(result);
  assert.equal(f.kind, "http-server-error");
  assert.equal(f.layer, "server-app");
  assert.equal(f.count, 3);
  assert.equal(f.evidence.facts?.code, "HTTP_503");
  assert.deepEqual(
    result.runs.map((r) => r.status),
    [503, 503, 503],
  );
  // The timings of a 5xx are whole: they are summarised.
  assert.equal(result.summary.totalMs?.samples, 3);
});
