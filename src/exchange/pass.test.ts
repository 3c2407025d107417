/**
 * runPass on the project's own loopback recording (examples/loopback-http.pcap: one keep-alive
 * connection, 10 GETs, /slow answered after ~300 ms): every exchange asserted exactly, and the
 * observer calls the diagnose stage relies on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { CaptureError } from "../capture/types.ts";
import { allTestCaptures, corpusPath, repoRoot, requireCorpus } from "../testing/corpus.ts";
import { runPass } from "./pass.ts";
import type { Exchange } from "./types.ts";

const EXAMPLE = join(repoRoot, "examples/loopback-http.pcap");

async function exchangesOf(path: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  await runPass(path, { observers: [{ onExchange: (x) => out.push(x) }] });
  return out;
}

test("loopback-http.pcap: ten GETs on one connection, in order, with their frames", async () => {
  const xs = await exchangesOf(EXAMPLE);
  assert.deepEqual(
    xs.map((x) => [
      x.id,
      x.connection,
      x.index,
      x.request.method,
      x.request.target,
      x.response?.status,
      x.request.firstFrame,
      x.response?.firstFrame,
      x.response?.lastFrame,
      x.response?.ackFrame,
      x.outcome,
    ]),
    [
      [0, 0, 0, "GET", "/", 200, 4, 6, 6, 7, "complete"],
      [1, 0, 1, "GET", "/a", 200, 8, 9, 9, 10, "complete"],
      [2, 0, 2, "GET", "/b", 200, 10, 11, 11, 12, "complete"],
      [3, 0, 3, "GET", "/slow", 200, 12, 14, 14, 15, "complete"],
      [4, 0, 4, "GET", "/c", 200, 15, 17, 17, 18, "complete"],
      [5, 0, 5, "GET", "/big", 200, 18, 19, 20, 21, "complete"],
      [6, 0, 6, "GET", "/d", 200, 22, 23, 23, 24, "complete"],
      [7, 0, 7, "GET", "/e", 200, 24, 25, 25, 26, "complete"],
      [8, 0, 8, "GET", "/f", 200, 26, 27, 27, 28, "complete"],
      [9, 0, 9, "GET", "/g", 200, 28, 29, 29, 30, "complete"],
    ],
  );
  for (const x of xs) {
    assert.equal(x.protocol, "http1");
    assert.equal(x.client, "127.0.0.1 60512");
    assert.equal(x.server, "127.0.0.1 37965");
    assert.equal(x.vantage, "loopback");
  }
});

test("loopback-http.pcap: phases, durations and charges", async () => {
  const xs = await exchangesOf(EXAMPLE);
  const first = xs[0];
  assert.deepEqual(
    first.phases.map((p) => [p.name, p.startMs, p.durationMs, p.frames, p.layer]),
    [
      ["connect", 0, 0.134, [1, 3], "network"],
      ["idle", 0.134, 1.29, [3, 4], "client-app"],
      ["wait", 1.424, 1.393, [4, 6], "server-app"],
    ],
  );
  assert.equal(first.rttMs, 0.134);
  // /slow: the server thinks ~300 ms; a loopback capture charges it all to the server app.
  const slow = xs[3];
  assert.deepEqual(
    slow.phases.map((p) => [p.name, p.durationMs, p.layer]),
    [
      ["idle", 21.116, "client-app"],
      ["wait", 301.147, "server-app"],
    ],
  );
  assert.deepEqual(slow.phases[1].charges, { "server-app": 301.147 });
  assert.equal(slow.startMs, 47.351);
  assert.equal(slow.durationMs, 322.263);
  // /big: the response spans two frames, so it has a download phase.
  assert.deepEqual(
    xs[5].phases.map((p) => [p.name, p.durationMs, p.frames]),
    [
      ["idle", 20.135, [17, 18]],
      ["wait", 0.486, [18, 19]],
      ["response", 0.013, [19, 20]],
    ],
  );
  // Consecutive exchanges on the connection leave no time unaccounted for.
  for (let i = 1; i < xs.length; i++) {
    assert.ok(Math.abs(xs[i - 1].startMs + xs[i - 1].durationMs - xs[i].startMs) < 1e-6);
  }
});

test("runPass: packets, connections and exchanges reach the observers", async () => {
  let packets = 0;
  let tcp = 0;
  const connections: number[] = [];
  let lastTime = -1;
  let ordered = true;
  let clientPackets = 0;
  const result = await runPass(EXAMPLE, {
    observers: [
      {
        onPacket(p) {
          packets++;
          if (p.connection >= 0) tcp++;
          if (p.timeMs < lastTime) ordered = false;
          lastTime = p.timeMs;
          if (p.connection === 0 && p.fromClient) clientPackets++;
        },
        onConnection: (c) => connections.push(c.stream),
      },
    ],
  });
  assert.equal(packets, result.capture.packets);
  assert.equal(tcp, result.totals.tcpPackets);
  assert.ok(ordered);
  assert.deepEqual(connections, [0, 1]);
  assert.equal(result.exchanges, 10);
  assert.equal(result.dnsTransactions, 0);
  assert.equal(result.connections.length, 2);
  // The client sent the SYN, the handshake ACK and the ten requests (and their ACKs, its FIN).
  assert.equal(clientPackets, result.connections[0].toServer.segments);
});

test("runPass: maxPackets stops the pass early", async () => {
  const result = await runPass(EXAMPLE, { maxPackets: 9 });
  assert.equal(result.capture.packets, 9);
  // Exchanges /, /a complete within 9 packets; /b's request is cut by the end of the capture.
  assert.equal(result.exchanges, 2);
});

test("runPass: exchanges do not depend on whether connection summaries are built", async (t) => {
  if (!requireCorpus(t)) return;
  // Without summaries the tcp stage skips the counters only a summary reads; the exchange stage's
  // vantage, round trip and roles must come out the same. These captures span the vantages, lost
  // handshakes (round trip from data ACKs), retransmissions and resets.
  const files = [
    "http_espn.pcapng",
    "tcp_retransmissions.pcapng",
    "wikipedia.pcap",
    "TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap",
    "tcp_refuseconnection.pcapng",
    "latency1.pcapng",
    "filecontainer-http.pcap",
    "docker-http-upgrade.pcap",
  ];
  const vantages = new Set<string>();
  let withoutHandshakeRtt = 0;
  for (const file of files) {
    const collect = async (keepConnections: boolean, summaries: boolean) => {
      const out: Exchange[] = [];
      await runPass(corpusPath(file), {
        keepConnections,
        observers: [
          { onExchange: (x) => out.push(x), ...(summaries ? { onConnection: () => {} } : {}) },
        ],
      });
      return out;
    };
    const lean = await collect(false, false);
    assert.deepEqual(lean, await collect(true, false), file);
    assert.deepEqual(lean, await collect(false, true), file);
    for (const x of lean) {
      if (x.vantage !== undefined) vantages.add(x.vantage);
      if (x.rttMs !== null && !x.phases.some((p) => p.name === "connect")) withoutHandshakeRtt++;
    }
  }
  assert.deepEqual([...vantages].sort(), ["client-side", "middle", "server-side", "unknown"]);
  assert.ok(withoutHandshakeRtt > 0);
});

test("runPass: exchanges do not depend on whether packets are flagged", async (t) => {
  if (!requireCorpus(t)) return;
  // With no packet observer the tcp stage classifies a connection only until its handshake
  // (PassOptions.flagPackets): every exchange must come out the same on every capture.
  let compared = 0;
  for (const file of allTestCaptures()) {
    const collect = async (flagPackets: boolean) => {
      const out: Exchange[] = [];
      try {
        await runPass(file, {
          keepConnections: false,
          flagPackets,
          observers: [{ onExchange: (x) => out.push(x) }],
        });
      } catch (error) {
        if (!(error instanceof CaptureError)) throw error;
      }
      return out;
    };
    const lean = await collect(false);
    assert.deepEqual(lean, await collect(true), file);
    compared += lean.length;
  }
  assert.ok(compared > 400, `only ${compared} exchanges compared`);
});
