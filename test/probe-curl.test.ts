/**
 * `wirewhy probe` against curl -w on a private nginx (started here on free loopback ports, with
 * its own config, pid and logs in a temp dir, stopped afterwards): over seven runs of each, every
 * phase's minimum agrees within 2 ms. The minimum, because noise on a shared machine only ever
 * adds time (a busy CPU once made curl's TLS median 5.5 ms against its usual 2.5 ms); medians are
 * printed as diagnostics. curl's cumulative times are turned into phases: dns = namelookup,
 * connect = connect − namelookup, tls = appconnect − connect, send+wait = starttransfer − the end
 * of the handshake (curl has no separate send phase), download = total − starttransfer.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import test from "node:test";
import { probeUrl } from "../src/probe/run-probe.ts";
import { makeCertificates } from "../src/probe/testing/certificates.ts";
import { startNginx } from "../src/probe/testing/nginx.ts";
import { requireCommand } from "../src/testing/corpus.ts";

const TOLERANCE_MS = 2;
const RUNS = 7;

type Phases = {
  dns: number;
  connect: number;
  tls: number;
  sendWait: number;
  download: number;
  total: number;
};

function curlPhases(url: string, caFile: string, http: "--http1.1" | "--http2"): Phases {
  const out = execFileSync(
    "curl",
    [
      "-s",
      "-o",
      "/dev/null",
      http,
      "--cacert",
      caFile,
      "-w",
      "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{http_code}",
      url,
    ],
    { encoding: "utf8" },
  );
  const [dns, connect, app, start, total, code] = out
    .trim()
    .split(" ")
    .map((x) => Number(x));
  assert.equal(code, 200, `curl got HTTP ${code} for ${url}`);
  const handshakeEnd = app > 0 ? app : connect;
  return {
    dns: dns * 1000,
    connect: (connect - dns) * 1000,
    tls: app > 0 ? (app - connect) * 1000 : 0,
    sendWait: (start - handshakeEnd) * 1000,
    download: (total - start) * 1000,
    total: total * 1000,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

test("probe phases agree with curl -w within 2 ms on a local nginx", async (t) => {
  if (!requireCommand(t, "nginx") || !requireCommand(t, "curl") || !requireCommand(t, "openssl"))
    return;
  const certs = makeCertificates(["DNS:localhost", "IP:127.0.0.1"]);
  t.after(() => certs.remove());
  const nginx = await startNginx({
    files: {
      "quarter.bin": Buffer.alloc(256 * 1024, 0x5a),
      "slow.bin": Buffer.alloc(200 * 1024, 0x5a),
    },
    tls: { certFile: certs.leafCert, keyFile: certs.leafKey },
    // 200 KiB at 1 MiB/s: nginx paces the body over ~190 ms, a download phase worth measuring.
    serverDirectives: "location = /slow.bin { limit_rate 1m; }",
  });
  t.after(() => nginx.stop());

  const cases: { url: string; http: "1.1" | "2"; minDownloadMs?: number }[] = [
    { url: `http://127.0.0.1:${nginx.port}/hello`, http: "1.1" },
    { url: `http://127.0.0.1:${nginx.port}/quarter.bin`, http: "1.1" },
    { url: `https://127.0.0.1:${nginx.tlsPort}/quarter.bin`, http: "1.1" },
    { url: `https://localhost:${nginx.tlsPort}/hello`, http: "2" },
    { url: `http://localhost:${nginx.port}/slow.bin`, http: "1.1", minDownloadMs: 100 },
  ];
  // The first requests of a process pay for JIT compilation; warm up once (not measured).
  await probeUrl(cases[2].url, { caFile: certs.caCert, httpVersion: "1.1" });
  await probeUrl(cases[3].url, { caFile: certs.caCert, httpVersion: "2" });

  for (const c of cases) {
    const curl: Phases[] = [];
    const ours: Phases[] = [];
    for (let i = 0; i < RUNS; i++) {
      curl.push(curlPhases(c.url, certs.caCert, c.http === "2" ? "--http2" : "--http1.1"));
      const result = await probeUrl(c.url, { caFile: certs.caCert, httpVersion: c.http });
      const run = result.runs[0];
      assert.equal(run.failure, null, `${c.url}: ${run.failure?.message}`);
      assert.equal(run.status, 200);
      assert.equal(run.httpVersion, c.http);
      const p = run.phases;
      // The phases tile the request: their sum is the total (to rounding).
      const sum =
        (p.dnsMs as number) +
        (p.connectMs as number) +
        (p.tlsMs as number) +
        (p.sendMs as number) +
        (p.waitMs as number) +
        (p.downloadMs as number);
      assert.ok(Math.abs(sum - p.totalMs) < 0.01, `phases sum to ${sum}, total ${p.totalMs}`);
      ours.push({
        dns: p.dnsMs as number,
        connect: p.connectMs as number,
        tls: p.tlsMs as number,
        sendWait: (p.sendMs as number) + (p.waitMs as number),
        download: p.downloadMs as number,
        total: p.totalMs,
      });
    }
    for (const phase of ["dns", "connect", "tls", "sendWait", "download"] as const) {
      const a = Math.min(...curl.map((x) => x[phase]));
      const b = Math.min(...ours.map((x) => x[phase]));
      t.diagnostic(
        `${c.url} ${phase}: min curl ${a.toFixed(3)} / probe ${b.toFixed(3)} ms, median curl ${median(curl.map((x) => x[phase])).toFixed(3)} / probe ${median(ours.map((x) => x[phase])).toFixed(3)} ms`,
      );
      // nginx's own pacing of the limit_rate body varies by a few ms from one request to the
      // next; there the tolerance grows by curl's own spread over its runs.
      const curlSpread = Math.max(...curl.map((x) => x[phase])) - a;
      const tolerance =
        c.minDownloadMs && phase === "download" ? TOLERANCE_MS + curlSpread : TOLERANCE_MS;
      assert.ok(
        Math.abs(a - b) <= tolerance,
        `${c.url} ${phase}: curl ${a.toFixed(3)} ms vs probe ${b.toFixed(3)} ms`,
      );
    }
    if (c.url.startsWith("https")) assert.ok(median(ours.map((x) => x.tls)) > 0);
    if (c.minDownloadMs) {
      assert.ok(
        median(ours.map((x) => x.download)) >= c.minDownloadMs,
        "the paced body took its time",
      );
    }
  }
});
