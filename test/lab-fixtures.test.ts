/**
 * The committed lab captures (test/fixtures/labs, recorded by the labs themselves on this
 * project's machine): each one, read with the project's own readers, shows its lab's cause, and
 * its expected verdict in expected.json matches the lab. These run without tcpdump or root, and
 * are what the analyzer's verdict tests will read.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { TcpFlag } from "../src/decode/types.ts";
import {
  fromPort,
  hasFlags,
  payloadText,
  resets,
  serverPort,
  syns,
  synTriesByClientPort,
  toPort,
  withPayload,
} from "../src/lab/capture-queries.ts";
import { type LabPacket, readLabPackets } from "../src/lab/lab-packet.ts";
import { retransmissions } from "../src/lab/labs/packet-loss.ts";
import { LABS } from "../src/lab/registry.ts";

const dir = fileURLToPath(new URL("./fixtures/labs/", import.meta.url));

interface ExpectedVerdict {
  layer: string;
  kind: string;
  costMs: number;
  tolerance: number;
  notes: string;
  facts: Record<string, number | string>;
}

const expected = JSON.parse(readFileSync(`${dir}expected.json`, "utf8")) as Record<
  string,
  ExpectedVerdict
>;

function fixture(name: string): Promise<LabPacket[]> {
  return readLabPackets(`${dir}${name}.pcap`);
}

function frames(packets: readonly LabPacket[]): number[] {
  return packets.map((p) => p.frame);
}

describe("lab fixtures", () => {
  it("has one capture under 200 KB and one expected verdict per lab, in the lab's layer and kind", () => {
    assert.deepEqual(
      Object.keys(expected),
      LABS.map((lab) => lab.name),
    );
    for (const lab of LABS) {
      assert.ok(statSync(`${dir}${lab.name}.pcap`).size < 200 * 1024, lab.name);
      const verdict = expected[lab.name]!;
      assert.equal(verdict.layer, lab.layer, lab.name);
      assert.equal(verdict.kind, lab.kind, lab.name);
      assert.ok(verdict.tolerance > 0, lab.name);
    }
  });

  for (const lab of LABS) {
    it(`${lab.name}: the capture passes the lab's own checks, and gives the recorded cost`, async () => {
      const packets = await fixture(lab.name);
      const verdict = expected[lab.name]!;
      for (const check of lab.check(packets, verdict.facts)) {
        assert.ok(check.ok, `${check.name}: ${check.detail}`);
      }
      const cost = lab.expectedCost(packets, verdict.facts);
      assert.ok(
        Math.abs(cost.costMs - verdict.costMs) <= 0.1,
        `${cost.costMs} vs ${verdict.costMs}`,
      );
    });
  }

  it("server-think-time: three requests, each answered ~250 ms later", async () => {
    const p = await fixture("server-think-time");
    const data = withPayload(p);
    assert.deepEqual(
      data.map((x) => [x.frame, payloadText(x).slice(0, 4)]),
      [
        [4, "GET "],
        [6, "HTTP"],
        [8, "GET "],
        [10, "HTTP"],
        [11, "GET "],
        [13, "HTTP"],
      ],
    );
    const gaps = [0, 2, 4].map((i) => data[i + 1]!.timeMs - data[i]!.timeMs);
    for (const gap of gaps) assert.ok(gap >= 250 && gap < 260, `${gap}`);
  });

  it("accept-queue-overflow: 4 connections' SYNs dropped and retried ~1 s apart", async () => {
    const p = await fixture("accept-queue-overflow");
    const retried = [...synTriesByClientPort(p).values()].filter((t) => t.length > 1);
    assert.deepEqual(retried.map(frames), [
      [12, 23, 24, 46],
      [13, 22, 25, 45],
      [14, 21, 26, 44],
      [15, 20, 27, 43],
    ]);
    const first = retried[0]!;
    assert.ok(Math.abs(first[1]!.timeMs - first[0]!.timeMs - 1024) < 30);
    assert.ok(Math.abs(first[2]!.timeMs - first[1]!.timeMs - 1024) < 30);
  });

  it("connection-refused: each SYN (frames 1, 3, 5) answered by RST/ACK", async () => {
    const p = await fixture("connection-refused");
    assert.deepEqual(frames(syns(p)), [1, 3, 5]);
    assert.deepEqual(frames(resets(p)), [2, 4, 6]);
    for (const rst of resets(p)) assert.ok(hasFlags(rst, TcpFlag.RST | TcpFlag.ACK));
  });

  it("reset-unread-data: the 413 (frame 101), then the server's RST (frame 110), no FIN", async () => {
    const p = await fixture("reset-unread-data");
    const port = serverPort(p);
    assert.ok(payloadText(p[100]!).startsWith("HTTP/1.1 413"));
    assert.deepEqual(frames(resets(p)), [110]);
    assert.equal(resets(p)[0]!.srcPort, port);
    assert.equal(fromPort(p, port).filter((x) => hasFlags(x, TcpFlag.FIN)).length, 0);
  });

  it("abortive-reset: the RST (frame 6) acknowledges the whole request", async () => {
    const p = await fixture("abortive-reset");
    const request = withPayload(p)[0]!;
    const rst = resets(p)[0]!;
    assert.equal(rst.frame, 6);
    assert.equal(rst.ack, (request.seq + request.payloadLenBytes) >>> 0);
    assert.ok(rst.timeMs - request.timeMs >= 30);
  });

  it("keep-alive-reuse-race: server FIN (frame 8), reused request (frame 10), RST (frame 11)", async () => {
    const p = await fixture("keep-alive-reuse-race");
    assert.deepEqual(frames(p.filter((x) => hasFlags(x, TcpFlag.FIN))), [8]);
    assert.deepEqual(frames(withPayload(toPort(p, serverPort(p)))), [4, 10]);
    assert.deepEqual(frames(resets(p)), [11]);
    assert.ok(p[7]!.timeMs - p[3]!.timeMs >= 1000, "the server's keep-alive timeout");
  });

  it("nagle-delayed-ack: the body of every request but the first waits ~40 ms", async () => {
    const p = await fixture("nagle-delayed-ack");
    const bodies = withPayload(p).filter((x) => x.payloadLenBytes === 200);
    assert.deepEqual(frames(bodies), [6, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57, 62]);
    const waits = bodies.map((b) => b.timeMs - p[b.frame - 3]!.timeMs);
    assert.ok(waits[0]! < 5, `first request quick-ACKed: ${waits[0]}`);
    for (const wait of waits.slice(1)) assert.ok(wait >= 38 && wait < 60, `${wait}`);
  });

  it("zero-window-client: the client's window is 0 at frames 544 and 546", async () => {
    const p = await fixture("zero-window-client");
    const zero = p.filter((x) => x.window === 0 && !hasFlags(x, TcpFlag.RST));
    assert.deepEqual(frames(zero), [544, 546]);
    assert.equal(zero[0]!.dstPort, serverPort(p));
  });

  it("zero-window-server: the server's window is 0 at frames 148 and 150", async () => {
    const p = await fixture("zero-window-server");
    const zero = p.filter((x) => x.window === 0 && !hasFlags(x, TcpFlag.RST));
    assert.deepEqual(frames(zero), [148, 150]);
    assert.equal(zero[0]!.srcPort, serverPort(p));
  });

  it("packet-loss: seven segments sent twice (tshark flags the same frames)", async () => {
    const p = await fixture("packet-loss");
    const sent = withPayload(fromPort(p, serverPort(p)));
    assert.deepEqual(frames(retransmissions(sent)), [66, 127, 241, 377, 435, 438, 479]);
  });

  it("bandwidth-bottleneck: 512 KiB in 369 segments at ~8 Mbit/s", async () => {
    const p = await fixture("bandwidth-bottleneck");
    const data = withPayload(fromPort(p, serverPort(p)));
    const bytes = data.reduce((sum, x) => sum + x.payloadLenBytes, 0);
    assert.equal(data.length, 368);
    assert.ok(bytes > 512 * 1024);
    const kbit = (bytes * 8) / (data[data.length - 1]!.timeMs - data[0]!.timeMs);
    assert.ok(kbit > 7000 && kbit < 8500, `${kbit} kbit/s`);
  });

  it("syn-unanswered: four SYNs ~1 s apart, nothing back", async () => {
    const p = await fixture("syn-unanswered");
    assert.deepEqual(frames(syns(p)), [1, 2, 3, 4]);
    assert.equal(p.length, 4);
    assert.ok(Math.abs(p[1]!.timeMs - 1000) < 30 && Math.abs(p[3]!.timeMs - 3050) < 60);
  });

  it("slow-dns: the answer (frame 2) comes ~400 ms after the query (frame 1)", async () => {
    const p = await fixture("slow-dns");
    assert.equal(p[0]!.dstPort, 53);
    assert.equal(p[1]!.srcPort, 53);
    assert.ok(p[1]!.timeMs >= 400 && p[1]!.timeMs < 420);
    assert.equal(syns(p)[0]!.frame, 3);
  });

  it("slow-tls-handshake: ClientHello -> ServerHello ~300 ms, three times", async () => {
    const p = await fixture("slow-tls-handshake");
    const handshakes = withPayload(p).filter((x) => x.payload[0] === 22);
    assert.deepEqual(
      handshakes.map((x) => [x.frame, x.payload[5]]),
      [
        [4, 1],
        [6, 2],
        [17, 1],
        [21, 2],
        [34, 1],
        [36, 2],
      ],
    );
    assert.equal(resets(p).length, 0);
  });

  it("line-protocol-think-time: ten GET lines, each answered by a VALUE line ~80 ms later", async () => {
    const p = await fixture("line-protocol-think-time");
    const port = serverPort(p);
    const commands = withPayload(toPort(p, port));
    const answers = withPayload(fromPort(p, port));
    assert.deepEqual(frames(commands), [4, 8, 11, 14, 17, 20, 23, 26, 29, 32]);
    assert.deepEqual(frames(answers), [6, 10, 13, 16, 19, 22, 25, 28, 31, 34]);
    assert.deepEqual(
      commands.map((c) => payloadText(c)),
      Array.from({ length: 10 }, (_, i) => `GET key-${i}\r\n`),
    );
    answers.forEach((answer, i) => {
      assert.match(payloadText(answer), /^VALUE key-\d \d+\r\n$/);
      const gap = answer.timeMs - commands[i]!.timeMs;
      assert.ok(gap >= 79 && gap < 100, `${gap}`);
    });
  });

  it("tls-shutdown-reset: each server FIN, then the client's close_notify, then the server's RST", async () => {
    const p = await fixture("tls-shutdown-reset");
    const port = serverPort(p);
    assert.deepEqual(
      frames(fromPort(p, port).filter((x) => hasFlags(x, TcpFlag.FIN))),
      [11, 25, 41],
    );
    const lastClientData = syns(p).map((syn) => {
      const sent = withPayload(p.filter((x) => x.srcPort === syn.srcPort));
      return sent[sent.length - 1]!;
    });
    assert.deepEqual(frames(lastClientData), [13, 27, 43]);
    // TLS 1.3: an application_data record of 19 bytes (an encrypted alert); TLS 1.2 (the last
    // connection): an alert record, 26 bytes encrypted with AES-GCM.
    assert.deepEqual(
      lastClientData.map((alert) => [...alert.payload.subarray(0, 5)]),
      [
        [23, 3, 3, 0, 19],
        [23, 3, 3, 0, 19],
        [21, 3, 3, 0, 26],
      ],
    );
    assert.deepEqual(frames(resets(p)), [14, 28, 44]);
    assert.ok(resets(p).every((x) => x.srcPort === port));
  });

  it("receive-window-limited: the client's window never exceeds 29 << 7 = 3712 bytes", async () => {
    const p = await fixture("receive-window-limited");
    const windows = new Set(toPort(p, serverPort(p)).map((x) => x.window));
    assert.deepEqual([...windows], [2920, 23, 29]);
    assert.equal(syns(p)[0]!.windowScale, 7);
  });
});
