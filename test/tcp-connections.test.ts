/**
 * Connections as a whole: roles, conn_state and history, handshake timing, resets, vantage and
 * the flow table's behaviour on port reuse and hostile input. Real corpus captures where they
 * exist; segments built here for the cases the corpus lacks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readCapture } from "../src/capture/index.ts";
import { CaptureError } from "../src/capture/types.ts";
import { createPacketView, decodeRecord } from "../src/decode/index.ts";
import { TcpFlag } from "../src/decode/types.ts";
import {
  AnalysisFlag,
  analyzeConnections,
  type ConnectionSummary,
  TcpAnalyzer,
} from "../src/tcp/index.ts";
import { type BuiltSegment, runSegments } from "../src/tcp/testing/built-segments.ts";
import { allTestCaptures, corpusPath, requireCorpus } from "../src/testing/corpus.ts";

const S = TcpFlag.SYN;
const A = TcpFlag.ACK;
const F = TcpFlag.FIN;
const R = TcpFlag.RST;
const P = TcpFlag.PSH;

async function conns(file: string): Promise<ConnectionSummary[]> {
  return (await analyzeConnections(corpusPath(file), { seriesMaxPoints: 8 })).connections;
}

test("a SYN answered by RST is REJ, refused by the server", async (t) => {
  if (!requireCorpus(t)) return;
  const [c] = await conns("tcp_refuseconnection.pcapng");
  assert.equal(c.state, "REJ");
  assert.equal(c.history, "Sr");
  assert.deepEqual(c.client, { address: "192.168.100.138", port: 3372 });
  assert.equal(c.resets.length, 1);
  assert.equal(c.resets[0].frame, 2);
  assert.equal(c.resets[0].sentBy, "server");
  assert.equal(c.resets[0].kind, "refused");
  assert.equal(c.handshake.completed, false);
  assert.equal(c.handshake.irttMs, null);
});

test("SYN retried twice, each answered by RST: retry intervals and resets", async (t) => {
  if (!requireCorpus(t)) return;
  const [c] = await conns("nowebaccess2.pcapng");
  assert.equal(c.state, "REJ");
  assert.equal(c.handshake.synRetries, 2);
  assert.deepEqual(c.handshake.synIntervalsMs, [498.813, 500.028]);
  assert.deepEqual(
    c.resets.map((r) => [r.frame, r.kind]),
    [
      [4, "refused"],
      [6, "after-reset"],
      [8, "after-reset"],
    ],
  );
});

test("an SSH server resets a client that sent HTTP: close with unread data", async (t) => {
  if (!requireCorpus(t)) return;
  const [c] = await conns("get-to-ssh-server.pcap");
  assert.equal(c.state, "RSTR");
  assert.equal(c.history, "ShADadr");
  assert.equal(c.server.port, 22);
  assert.equal(c.resets[0].frame, 7);
  assert.equal(c.resets[0].kind, "close-with-unread-data");
  assert.equal(c.resets[1].kind, "after-reset");
  // SYN→SYN/ACK 0.8 ms, SYN/ACK→ACK 146 ms: captured at the server.
  assert.equal(c.handshake.synToSynAckMs, 0.797);
  assert.equal(c.handshake.synAckToAckMs, 146.05);
  assert.equal(c.handshake.irttMs, 146.847);
  assert.equal(c.vantage.kind, "server-side");
  assert.equal(c.toServer.payloadBytes, 605);
  assert.equal(c.toClient.payloadBytes, 21);
  assert.equal(c.toServer.windowScale, 7);
  assert.equal(c.toServer.mss, 1460);
  assert.equal(c.toClient.ackRtt?.samples, 2);
});

test("unanswered SYNs are S0 with their retry schedule; others captured at the client", async (t) => {
  if (!requireCorpus(t)) return;
  const cs = await conns("http_espn_fail.pcapng");
  assert.equal(cs.length, 16);
  const s0 = cs.filter((c) => c.state === "S0");
  assert.deepEqual(
    s0.map((c) => [c.stream, c.handshake.synRetries, c.history]),
    [
      [2, 10, "STT"],
      [3, 10, "STT"],
      [4, 10, "STT"],
      [5, 10, "STT"],
      [6, 10, "STT"],
      [9, 10, "STT"],
      [13, 8, "ST"],
      [14, 8, "ST"],
      [15, 8, "ST"],
    ],
  );
  for (const c of s0) assert.equal(c.handshake.synUnanswered, true);
  assert.deepEqual(
    s0[0].handshake.synIntervalsMs.map((ms) => Math.round(ms / 1000)),
    [1, 1, 1, 1, 1, 2, 4],
  );
  const c0 = cs[0];
  assert.equal(c0.state, "S1");
  assert.equal(c0.handshake.synToSynAckMs, 77.522);
  assert.equal(c0.vantage.kind, "client-side");
});

test("a normal HTTP connection closes SF with tshark's byte counts", async (t) => {
  if (!requireCorpus(t)) return;
  const [c] = await conns("get.pcap");
  assert.equal(c.state, "SF");
  assert.equal(c.packets, 14);
  // tshark -z conv,tcp on get.pcap: the client sent 7 frames, the server 7.
  assert.equal(c.toServer.segments + c.toClient.segments, 14);
  assert.equal(c.roles.source, "syn");
});

test("the SYN/ACK sender is the server when the SYN was not captured", () => {
  const r = runSegments([
    { fromClient: false, flags: S | A, seq: 900, ack: 101, win: 1000, len: 0 },
    { fromClient: true, flags: A, seq: 101, ack: 901, win: 1000, len: 0 },
  ]);
  const [c] = r.analyzer.finish().connections;
  assert.equal(c.roles.source, "syn-ack");
  assert.equal(c.client.port, 40000);
  assert.ok(c.history.startsWith("^"), c.history);
});

test("no handshake: the port below 1024 is the server, state OTH", () => {
  const r = runSegments([
    { fromClient: false, flags: A | P, seq: 900, ack: 101, win: 1000, len: 100 },
    { fromClient: true, flags: A, seq: 101, ack: 1000, win: 1000, len: 0 },
  ]);
  const [c] = r.analyzer.finish().connections;
  assert.equal(c.roles.source, "ports");
  assert.equal(c.server.port, 80);
  assert.equal(c.state, "OTH");
});

function handshake(clientPort: number, isn: number, t0: number): BuiltSegment[] {
  return [
    { fromClient: true, flags: S, seq: isn, ack: 0, win: 1000, len: 0, atMs: t0, clientPort },
    {
      fromClient: false,
      flags: S | A,
      seq: 7000,
      ack: isn + 1,
      win: 1000,
      len: 0,
      atMs: t0 + 10,
      clientPort,
    },
    {
      fromClient: true,
      flags: A,
      seq: isn + 1,
      ack: 7001,
      win: 1000,
      len: 0,
      atMs: t0 + 11,
      clientPort,
    },
    {
      fromClient: true,
      flags: A | P,
      seq: isn + 1,
      ack: 7001,
      win: 1000,
      len: 50,
      atMs: t0 + 12,
      clientPort,
    },
    {
      fromClient: false,
      flags: A | F,
      seq: 7001,
      ack: isn + 51,
      win: 1000,
      len: 0,
      atMs: t0 + 22,
      clientPort,
    },
    {
      fromClient: true,
      flags: A | F,
      seq: isn + 51,
      ack: 7002,
      win: 1000,
      len: 0,
      atMs: t0 + 23,
      clientPort,
    },
    {
      fromClient: false,
      flags: A,
      seq: 7002,
      ack: isn + 52,
      win: 1000,
      len: 0,
      atMs: t0 + 33,
      clientPort,
    },
  ];
}

test("port reuse: a new SYN with a new ISN on the same 4-tuple starts a new connection", () => {
  const bits = runSegments([...handshake(40000, 100, 0), ...handshake(40000, 5_000_000, 1000)]);
  assert.equal(bits[7], AnalysisFlag.REUSED_PORTS);
  const { connections, totals } = bits.analyzer.finish();
  assert.equal(totals.connections, 2);
  assert.deepEqual(
    connections.map((c) => [c.stream, c.firstFrame, c.lastFrame, c.state]),
    [
      [0, 1, 7, "SF"],
      [1, 8, 14, "SF"],
    ],
  );
  // The second connection's data is not a retransmission of the first's.
  assert.equal(totals.flags.retransmission, 0);
  assert.equal(connections[1].handshake.irttMs, 11);
});

test("a retransmitted SYN (same ISN) stays in its connection", () => {
  const segs = handshake(40000, 100, 0);
  const bits = runSegments([
    segs[0],
    { ...segs[0], atMs: 1000 },
    ...segs.slice(1).map((s) => ({ ...s, atMs: (s.atMs ?? 0) + 1000 })),
  ]);
  assert.equal(bits[1], AnalysisFlag.RETRANSMISSION);
  const { connections } = bits.analyzer.finish();
  assert.equal(connections.length, 1);
  assert.equal(connections[0].handshake.synRetries, 1);
  assert.deepEqual(connections[0].handshake.synIntervalsMs, [1000]);
});

test("bad input is counted as named anomalies, never a crash", () => {
  const bits = runSegments([
    { fromClient: true, flags: S | F, seq: 100, ack: 0, win: 1000, len: 0 },
    { fromClient: false, flags: S | R, seq: 7000, ack: 101, win: 0, len: 0 },
    { fromClient: true, flags: 0, seq: 101, ack: 0, win: 1000, len: 10 },
    { fromClient: true, flags: A, seq: 101 + 0x7000_0000, ack: 7001, win: 1000, len: 10 },
    { fromClient: true, flags: F | R, seq: 101, ack: 7001, win: 1000, len: 0 },
  ]);
  const { connections, totals } = bits.analyzer.finish();
  assert.equal(connections.length, 1);
  assert.deepEqual(totals.anomalies, {
    "fin-with-rst": 1,
    // Out to +1.9 GB and back.
    "impossible-seq-jump": 2,
    "no-flags": 1,
    "syn-with-fin": 1,
    "syn-with-rst": 1,
  });
  assert.ok(connections[0].history.includes("Q"), connections[0].history);
});

test("a 4-tuple with two million packets: bounded state, wraparound, one connection", () => {
  const n = 2_000_000;
  const segs: BuiltSegment[] = [
    { fromClient: true, flags: S, seq: 0xffff_0000, ack: 0, win: 1000, len: 0, atMs: 0 },
    { fromClient: false, flags: S | A, seq: 1, ack: 0xffff_0001, win: 1000, len: 0, atMs: 1 },
  ];
  const started = performance.now();
  const r = runSegments(segs);
  // Data that is never acknowledged: the unacked list must stop at its cap.
  const more: BuiltSegment[] = [];
  let seq = 0xffff_0001;
  for (let i = 0; i < n; i++) {
    more.push({ fromClient: true, flags: A, seq, ack: 2, win: 1000, len: 100, atMs: 2 + i / 1000 });
    seq = (seq + 100) >>> 0;
    if (more.length === 10_000) {
      runSegments(more, undefined, r.analyzer);
      more.length = 0;
    }
  }
  const { connections, totals } = r.analyzer.finish();
  const elapsedMs = performance.now() - started;
  assert.equal(connections.length, 1);
  assert.equal(connections[0].packets, n + 2);
  assert.equal(totals.flags.retransmission, 0);
  assert.equal(totals.flags.lostSegment, 0);
  assert.equal(totals.anomalies["unacked-segments-capped"], 1);
  assert.equal(connections[0].toServer.payloadBytes, n * 100);
  assert.ok(elapsedMs < 30_000, `took ${elapsedMs} ms`);
});

test("closed connections are summarised and released during the pass", () => {
  const summaries: number[] = [];
  const segs: BuiltSegment[] = [];
  for (let i = 0; i < 3000; i++) segs.push(...handshake(20000 + i, 1000 + i, i * 100));
  const r = runSegments(segs, {
    seriesMaxPoints: 0,
    keepSummaries: false,
    onConnection: (c) => summaries.push(c.stream),
  });
  // 300 s of capture: connections closed more than 60 s before the end are already released.
  assert.ok(summaries.length > 2000, `only ${summaries.length} released during the pass`);
  const { connections, totals } = r.analyzer.finish();
  assert.equal(connections.length, 0);
  assert.equal(totals.connections, 3000);
  assert.equal(summaries.length, 3000);
  assert.deepEqual(
    [...summaries].sort((a, b) => a - b),
    Array.from({ length: 3000 }, (_, i) => i),
  );
});

test("startMs counts from the capture's first packet, to the microsecond (tshark's time_relative)", async () => {
  const { connections } = await analyzeConnections(
    new URL("../examples/loopback-http.pcap", import.meta.url).pathname,
  );
  // Frame 1 opens connection 0; frame 31 (0.519578 s, as tshark's frame.time_relative) opens 1.
  assert.deepEqual(
    connections.map((c) => [c.firstFrame, c.startMs]),
    [
      [1, 0],
      [31, 519.578],
    ],
  );
  assert.equal(connections[1].startEpochSec.toFixed(6), "1795636257.106986");
});

test("a connection's end is reported without a summary when nobody reads summaries", async () => {
  const file = "examples/slow-endpoint.pcap";
  const full = await analyzeConnections(file);
  const events: string[] = [];
  const lean = await analyzeConnections(file, {
    keepSummaries: false,
    onConnectionEnd: (conn) => events.push(`end ${conn.stream}`),
  });
  assert.deepEqual(lean.connections, []);
  assert.deepEqual(
    events,
    full.connections.map((c) => `end ${c.stream}`),
  );
  // The capture's vantage is tallied from the same per-connection verdicts either way.
  assert.deepEqual(lean.totals, full.totals);
  assert.equal(full.totals.vantage.kind, "loopback");

  // With onConnection too, each connection's end comes before its summary.
  const both: string[] = [];
  await analyzeConnections(file, {
    keepSummaries: false,
    onConnectionEnd: (conn) => both.push(`end ${conn.stream}`),
    onConnection: (s) => both.push(`summary ${s.stream}`),
  });
  assert.deepEqual(both, ["end 0", "summary 0", "end 1", "summary 1"]);
});

test("per-packet analysis flags do not depend on whether summaries are built", async (t) => {
  if (!requireCorpus(t)) return;
  // Without summaries the analyzer skips the counters only a summary reads; a classifier that
  // read one of them would flag differently (the packets command builds no summaries).
  const files = allTestCaptures();
  let flagged = 0;
  for (const file of files) {
    const full = new TcpAnalyzer({ seriesMaxPoints: 0 });
    const lean = new TcpAnalyzer({ seriesMaxPoints: 0, keepSummaries: false });
    const view = createPacketView();
    try {
      await readCapture(file, (record) => {
        decodeRecord(record, view);
        const a = full.onPacket(record, view);
        const dupA = full.lastDupAckNumber;
        const b = lean.onPacket(record, view);
        assert.equal(b, a, `${file} frame ${record.frame}: flags`);
        assert.equal(lean.lastDupAckNumber, dupA, `${file} frame ${record.frame}: dup ACK number`);
        if (a !== 0) flagged++;
      });
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
    }
    assert.deepEqual(lean.finish().totals, full.finish().totals, file);
  }
  assert.ok(flagged > 500, `only ${flagged} flagged packets`);
});

test("without packet flags a connection is classified until its handshake gives a round trip", async (t) => {
  if (!requireCorpus(t)) return;
  // The exchange stage reads no flags, only what the handshake and the ACK-based RTT give (which
  // needs the retransmission flags while no handshake RTT exists): TcpAnalyzerOptions.flagPackets.
  const files = allTestCaptures();
  let flaggedBefore = 0;
  let skippedAfter = 0;
  for (const file of files) {
    const full = new TcpAnalyzer({ seriesMaxPoints: 0, keepSummaries: false });
    const lean = new TcpAnalyzer({ seriesMaxPoints: 0, keepSummaries: false, flagPackets: false });
    const view = createPacketView();
    const rttKnown = new Set<number>();
    try {
      await readCapture(file, (record) => {
        decodeRecord(record, view);
        const a = full.onPacket(record, view);
        const b = lean.onPacket(record, view);
        const conn = lean.lastConnection;
        if (conn === undefined) return;
        assert.equal(conn.stream, full.lastConnection?.stream, `${file} frame ${record.frame}`);
        if (rttKnown.has(conn.stream)) {
          assert.equal(b, 0, `${file} frame ${record.frame}: flagged after the handshake`);
          if (a !== 0) skippedAfter++;
        } else {
          assert.equal(b, a, `${file} frame ${record.frame}: flags before the handshake`);
          if (a !== 0) flaggedBefore++;
        }
        const other = full.lastConnection!;
        assert.equal(conn.firstRttNs, other.firstRttNs, `${file} frame ${record.frame}: RTT`);
        assert.equal(conn.handshakeAckFrame, other.handshakeAckFrame);
        if (conn.firstRttNs < 0) {
          for (const [x, y] of [
            [conn.ab, other.ab],
            [conn.ba, other.ba],
          ] as const) {
            assert.equal(x.ackRtt.count, y.ackRtt.count, `${file} frame ${record.frame}`);
            assert.equal(x.ackRtt.minNs, y.ackRtt.minNs, `${file} frame ${record.frame}`);
          }
        } else {
          rttKnown.add(conn.stream);
        }
      });
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
    }
    const [x, y] = [lean.finish().totals, full.finish().totals];
    assert.equal(x.connections, y.connections, file);
    assert.deepEqual(x.vantage, y.vantage, file);
  }
  assert.ok(flaggedBefore > 100, `only ${flaggedBefore} flagged packets before handshakes`);
  assert.ok(skippedAfter > 500, `only ${skippedAfter} flags skipped after handshakes`);
});

test("flagPackets false is ignored when summaries are built (they count the flags)", async (t) => {
  if (!requireCorpus(t)) return;
  const file = corpusPath("tcp_retransmissions.pcapng");
  const flagged = await analyzeConnections(file, { seriesMaxPoints: 0 });
  const asked = await analyzeConnections(file, { seriesMaxPoints: 0, flagPackets: false });
  assert.ok(flagged.totals.flags.retransmission > 0);
  assert.deepEqual(asked, flagged);
});
