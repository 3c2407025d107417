/**
 * Exchanges of captures whose cause is known: the lab fixtures this project recorded
 * (test/fixtures/labs, expected.json), a DNS lookup on a random port recorded for this test, and
 * corpus files with one behaviour each (pipelining, 100-continue). Numbers are asserted exactly:
 * the captures do not change.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type PassOptions, runPass } from "../src/exchange/index.ts";
import {
  DNS_RANDOM_PORT,
  writeDnsRandomPortCapture,
} from "../src/exchange/testing/dns-random-port.ts";
import type { Exchange } from "../src/exchange/types.ts";
import { corpusPath, repoRoot, requireCorpus } from "../src/testing/corpus.ts";

const lab = (name: string) => join(repoRoot, "test/fixtures/labs", `${name}.pcap`);

async function exchangesOf(path: string, options: PassOptions = {}): Promise<Exchange[]> {
  const out: Exchange[] = [];
  await runPass(path, { ...options, observers: [{ onExchange: (x) => out.push(x) }] });
  return out;
}

const names = (x: Exchange) => x.phases.map((p) => p.name);
const phase = (x: Exchange, name: string) => x.phases.find((p) => p.name === name);
const round3 = (n: number) => Math.round(n * 1000) / 1000;

test("slow-dns: the lookup is its own exchange and the first phase of the request it led to", async () => {
  const [lookup, get] = await exchangesOf(lab("slow-dns"));
  assert.equal(lookup.protocol, "dns");
  assert.equal(lookup.connection, -1);
  assert.equal(lookup.request.target, "api.lab.test");
  assert.equal(lookup.dns?.qtypeName, "A");
  assert.deepEqual(lookup.dns?.addresses, ["127.0.0.1"]);
  assert.deepEqual(
    lookup.phases.map((p) => [p.name, p.durationMs, p.frames, p.layer]),
    [["wait", 401.94, [1, 2], "dns"]],
  );
  assert.equal(get.protocol, "http1");
  assert.equal(get.dnsExchangeId, lookup.id);
  assert.deepEqual(names(get), ["dns", "client-gap", "connect", "idle", "wait"]);
  assert.deepEqual(phase(get, "dns")?.charges, { dns: 401.94 });
  assert.deepEqual(phase(get, "client-gap")?.frames, [2, 3]);
  assert.equal(get.startMs, lookup.startMs);
  assert.equal(get.durationMs, 410.021);
});

test("a resolver on a random UDP port is found by sniffing, or by dnsPorts", async () => {
  const path = writeDnsRandomPortCapture();
  try {
    const sniffed = await exchangesOf(path);
    assert.deepEqual(
      sniffed.map((x) => [x.protocol, x.request.target, x.server]),
      [
        ["dns", "api.wirewhy.test", `127.0.0.1 ${DNS_RANDOM_PORT}`],
        ["http1", "/after-lookup", "127.0.0.1 45755"],
      ],
    );
    assert.equal(sniffed[0].dns?.serverLatencyMs, 35.016);
    assert.deepEqual(names(sniffed[1]), ["dns", "client-gap", "connect", "idle", "wait"]);
    assert.equal(phase(sniffed[1], "client-gap")?.durationMs, 7.1);

    const blind = await exchangesOf(path, { sniffDns: false });
    assert.deepEqual(
      blind.map((x) => [x.protocol, names(x)]),
      [["http1", ["connect", "idle", "wait"]]],
    );
    const told = await exchangesOf(path, { sniffDns: false, dnsPorts: [DNS_RANDOM_PORT] });
    assert.deepEqual(
      told.map((x) => x.protocol),
      ["dns", "http1"],
    );
    assert.equal(told[1].dnsExchangeId, 0);
  } finally {
    rmSync(path, { force: true });
  }
});

test("accept-queue-overflow: SYNs answered after a retry charge the wait to the server OS", async () => {
  const xs = await exchangesOf(lab("accept-queue-overflow"));
  assert.equal(xs.length, 7);
  const retried = xs.filter((x) => phase(x, "connect")?.layer === "server-os");
  assert.deepEqual(retried.map((x) => x.connection).sort(), [3, 4, 5, 6]);
  const serverOsMs = retried.reduce(
    (a, x) => a + (phase(x, "connect")?.charges["server-os"] ?? 0),
    0,
  );
  // expected.json: cost 12298.5 ms (4 × SYN/ACK − first SYN), tolerance 3074.6.
  assert.equal(round3(serverOsMs), 12298.313);
  for (const x of xs) assert.equal(x.outcome, "complete");
});

test("slow-tls-handshake: the handshake is the tls phase of each connection's exchange", async () => {
  const xs = await exchangesOf(lab("slow-tls-handshake"));
  assert.deepEqual(
    xs.map((x) => [x.protocol, x.connection, x.request.target, x.tls?.versionName, names(x)]),
    [0, 1, 2].map((c) => [
      "tls",
      c,
      "slow-tls.lab.test",
      "TLS 1.3",
      ["connect", "idle", "tls", "wait", "response"],
    ]),
  );
  assert.deepEqual(
    xs.map((x) => phase(x, "tls")?.durationMs),
    [307.948, 303.713, 305.865],
  );
  for (const x of xs) {
    const tls = phase(x, "tls");
    assert.equal(tls?.layer, "server-app");
    // One round trip (TLS 1.3): one RTT to the network.
    assert.equal(x.tls?.handshakeRoundTrips, 1);
    assert.equal(tls?.charges.network, x.rttMs);
  }
});

test("server-think-time: three waits of ~250 ms charged to the server app", async () => {
  const xs = await exchangesOf(lab("server-think-time"));
  assert.deepEqual(
    xs.map((x) => [x.request.target, phase(x, "wait")?.durationMs, phase(x, "wait")?.layer]),
    [
      ["/slow/0", 252.852, "server-app"],
      ["/slow/1", 251.265, "server-app"],
      ["/slow/2", 250.901, "server-app"],
    ],
  );
});

test("resets: an abort, a reused keep-alive connection, a close with unread upload", async () => {
  const [abort] = await exchangesOf(lab("abortive-reset"));
  assert.equal(abort.outcome, "reset");
  assert.equal(abort.response, null);
  assert.deepEqual(abort.phases.at(-1)?.frames, [4, 6]);

  const race = await exchangesOf(lab("keep-alive-reuse-race"));
  assert.deepEqual(
    race.map((x) => [x.index, x.outcome, x.response?.status ?? null]),
    [
      [0, "complete", 200],
      [1, "reset", null],
    ],
  );
  assert.equal(phase(race[1], "idle")?.durationMs, 1105.113);

  const [upload] = await exchangesOf(lab("reset-unread-data"));
  assert.equal(upload.request.method, "POST");
  assert.equal(upload.response?.status, 413);
  assert.equal(upload.outcome, "reset");
  // The 413 came (frame 101) before the upload's last byte (frame 109): the request phase runs to
  // its end and no wait or response phase can follow without overlapping it.
  assert.deepEqual(names(upload), ["connect", "idle", "request"]);
});

test("pipelined requests pair first-in first-out; 100-continue folds into the final response", async (t) => {
  if (!requireCorpus(t)) return;
  const piped = await exchangesOf(corpusPath("pipelined-requests.pcap"));
  assert.deepEqual(
    piped.map((x) => [
      x.index,
      x.request.firstFrame,
      x.response?.firstFrame,
      x.response?.lastFrame,
    ]),
    [
      [0, 4, 5, 5],
      [1, 6, 7, 12],
      [2, 14, 15, 15],
      [3, 16, 17, 18],
      [4, 20, 21, 45],
    ],
  );
  const [post] = await exchangesOf(corpusPath("100-continue.pcap"));
  assert.equal(post.interimResponses, 1);
  assert.equal(post.response?.status, 200);
  assert.deepEqual([post.request.firstFrame, post.request.lastFrame], [4, 10]);
  assert.deepEqual(names(post), ["connect", "idle", "request", "wait", "response"]);
  // Client-side capture, iRTT 47.976 ms: the wait holds one RTT of network.
  assert.equal(post.vantage, "client-side");
  assert.deepEqual(phase(post, "wait")?.charges, { network: 47.976, "server-app": 60.376 });
});

test("header-only captures (snaplen 96): exchanges from turns, start lines read from what was kept", async () => {
  const [download] = await exchangesOf(lab("zero-window-client"));
  assert.equal(download.framedByTurns, true);
  assert.deepEqual(
    [
      download.protocol,
      download.request.method,
      download.request.target,
      download.response?.status,
    ],
    ["http1", "GET", "/big", 200],
  );
  assert.deepEqual([download.response?.firstFrame, download.response?.lastFrame], [6, 841]);
  assert.equal(download.outcome, "complete");
  assert.equal(phase(download, "response")?.durationMs, 1003.81);

  const [upload] = await exchangesOf(lab("zero-window-server"));
  assert.deepEqual(
    [
      upload.request.method,
      upload.request.target,
      upload.request.firstFrame,
      upload.request.lastFrame,
    ],
    ["POST", "/upload", 4, 1147],
  );
  assert.equal(upload.response?.status, 200);
  assert.equal(phase(upload, "request")?.durationMs, 1006.911);
  // Snaplen 200 keeps whole request heads: the parsers frame those, and bodies cut by the
  // snaplen are no loss ("complete", not "gap").
  const loss = await exchangesOf(lab("packet-loss"));
  assert.equal(loss.length, 24);
  for (const x of loss) {
    assert.equal(x.framedByTurns, undefined);
    assert.equal(x.outcome, "complete");
  }
});
