import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpFlag } from "../decode/types.ts";
import { TcpAnalyzer } from "./analyzer.ts";
import { AnalysisFlag } from "./flags.ts";
import { type BuiltSegment, runSegments } from "./testing/built-segments.ts";
import type { ConnectionSummary } from "./types.ts";

const S = TcpFlag.SYN;
const A = TcpFlag.ACK;
const F = TcpFlag.FIN;
const R = TcpFlag.RST;

/** SYN, SYN/ACK, ACK, 50 bytes, server FIN, client FIN, server's last ACK; from `t0` ms. */
function shortConnection(clientPort: number, isn: number, t0: number): BuiltSegment[] {
  const c = (flags: number, seq: number, ack: number, len: number, at: number): BuiltSegment => ({
    fromClient: true,
    flags,
    seq,
    ack,
    win: 1000,
    len,
    atMs: t0 + at,
    clientPort,
  });
  const s = (flags: number, seq: number, ack: number, at: number): BuiltSegment => ({
    ...c(flags, seq, ack, 0, at),
    fromClient: false,
  });
  return [
    c(S, isn, 0, 0, 0),
    s(S | A, 7000, isn + 1, 10),
    c(A, isn + 1, 7001, 0, 11),
    c(A, isn + 1, 7001, 50, 12),
    s(A | F, 7001, isn + 51, 22),
    c(A | F, isn + 51, 7002, 0, 23),
    s(A, 7002, isn + 52, 33),
  ];
}

test("a closed connection is summarised a second after its close; late packets keep its stream", () => {
  const order: string[] = [];
  const analyzer = new TcpAnalyzer({
    seriesMaxPoints: 0,
    onConnection: (c: ConnectionSummary) => order.push(`summary ${c.stream} ${c.packets}`),
  });
  const segs = shortConnection(40000, 100, 0);
  const late: BuiltSegment[] = [
    // 5 s later, in TIME_WAIT: the server's FIN again, the client's last ACK again.
    { fromClient: false, flags: A | F, seq: 7001, ack: 151, win: 1000, len: 0, atMs: 5000 },
    { fromClient: true, flags: A, seq: 152, ack: 7002, win: 1000, len: 0, atMs: 5001 },
  ];
  const bits = runSegments([...segs, ...late], { seriesMaxPoints: 0 }, analyzer);
  assert.deepEqual(order, ["summary 0 7"]);
  assert.equal(analyzer.openConnections, 0);
  assert.equal(analyzer.tombstones, 1);
  assert.equal(analyzer.lastStream, 0);
  assert.equal(analyzer.lastAfterClose, true);
  assert.equal(analyzer.lastFromClient, true);
  assert.equal(bits[7], AnalysisFlag.RETRANSMISSION);
  assert.equal(bits[8], AnalysisFlag.DUPLICATE_ACK);
  const { connections, totals } = analyzer.finish();
  assert.equal(connections.length, 1);
  assert.equal(totals.connections, 1);
  assert.equal(totals.tcpPackets, 9);
  assert.equal(totals.flags.retransmission, 1);
  assert.equal(totals.flags.duplicateAck, 1);
});

test("packets within a second of a reset still belong to the connection's summary", () => {
  const segs = shortConnection(40000, 100, 0).slice(0, 4);
  const bits = runSegments([
    ...segs,
    { fromClient: false, flags: R | A, seq: 7001, ack: 151, win: 0, len: 0, atMs: 20 },
    { fromClient: true, flags: A, seq: 151, ack: 7001, win: 1000, len: 10, atMs: 21 },
    { fromClient: false, flags: R, seq: 7001, ack: 0, win: 0, len: 0, atMs: 22 },
  ]);
  const { connections, totals } = bits.analyzer.finish();
  assert.equal(connections.length, 1);
  assert.equal(connections[0].packets, 7);
  assert.deepEqual(
    connections[0].resets.map((r) => r.frame),
    [5, 7],
  );
  assert.equal(totals.flags.reset, 2);
});

test("a new SYN with a new ISN on a tombstone's tuple is a new connection", () => {
  const bits = runSegments([
    ...shortConnection(40000, 100, 0),
    ...shortConnection(40000, 9_000_000, 3000),
  ]);
  assert.equal(bits[7], AnalysisFlag.REUSED_PORTS);
  const { connections } = bits.analyzer.finish();
  assert.deepEqual(
    connections.map((c) => [c.stream, c.firstFrame, c.lastFrame, c.state]),
    [
      [0, 1, 7, "SF"],
      [1, 8, 14, "SF"],
    ],
  );
});

test("2,000 short connections one after another: state for the last second's only", () => {
  const segs: BuiltSegment[] = [];
  for (let i = 0; i < 2000; i++) segs.push(...shortConnection(10000 + i, 1000 * i, i * 100));
  const bits = runSegments(segs);
  const analyzer = bits.analyzer;
  // One connection starts every 100 ms and closes 33 ms later: ten within the last second.
  assert.ok(analyzer.openConnections <= 11, `${analyzer.openConnections} open`);
  // Tombstones for TIME_WAIT's 60 s (600 connections), and those the next sweep drops.
  assert.ok(
    analyzer.tombstones >= 600 && analyzer.tombstones < 1000,
    `${analyzer.tombstones} tombstones`,
  );
  const { connections, totals } = analyzer.finish();
  assert.equal(connections.length, 2000);
  assert.equal(totals.connections, 2000);
  assert.ok(connections.every((c) => c.state === "SF" && c.packets === 7));
});
