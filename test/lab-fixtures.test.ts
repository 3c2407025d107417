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

  it("path-mtu-black-hole: the 97-byte head ACKed, 1448-byte segments resent, the 608-byte tail SACKed, no ICMP", async () => {
    const p = await fixture("path-mtu-black-hole");
    const port = serverPort(p);
    const sent = withPayload(fromPort(p, port));
    assert.deepEqual(
      sent.map((x) => [x.frame, x.payloadLenBytes, x.wireLenBytes]),
      [
        [6, 97, 163],
        [8, 1448, 1514],
        [9, 1448, 1514],
        [10, 1448, 1514],
        [11, 1448, 1514],
        [12, 608, 674],
        [16, 1448, 1514],
        [17, 1448, 1514],
        [18, 1448, 1514],
        [19, 1448, 1514],
        [22, 1448, 1514],
      ],
    );
    assert.deepEqual(frames(retransmissions(sent)), [16, 17, 18, 19, 22]);
    // Every resend is the first body segment, the one the client's ACK (98) stops at.
    for (const x of retransmissions(sent)) assert.equal(x.seq, sent[1]!.seq);
    const acks = new Set(
      toPort(p, port)
        .filter((x) => x.frame > 6)
        .map((x) => (x.ack - sent[0]!.seq) >>> 0),
    );
    assert.deepEqual([...acks], [97]);
    assert.equal(p.filter((x) => x.transport === "other").length, 0);
    assert.ok(hasFlags(p[19]!, TcpFlag.FIN) && p[19]!.srcPort !== port && p[19]!.timeMs > 3000);
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

  it("dns-search-walk: three suffixed names NXDOMAIN ~40 ms each (frames 1-6), the bare name answered (7, 8)", async () => {
    const p = await fixture("dns-search-walk");
    const dns = p.filter((x) => x.transport === "udp");
    assert.deepEqual(
      dns.map((x) => [x.frame, x.dstPort === 53 ? "query" : "answer"]),
      [
        [1, "query"],
        [2, "answer"],
        [3, "query"],
        [4, "answer"],
        [5, "query"],
        [6, "answer"],
        [7, "query"],
        [8, "answer"],
      ],
    );
    // The rcode (RFC 1035 §4.1.1): 3 NXDOMAIN for the suffixed names, 0 for the bare one.
    assert.deepEqual(
      dns.filter((x) => x.srcPort === 53).map((x) => x.payload[3]! & 0x0f),
      [3, 3, 3, 0],
    );
    for (const i of [0, 2, 4]) assert.ok(dns[i + 1]!.timeMs - dns[i]!.timeMs >= 39, `${i}`);
    assert.ok(dns[7]!.timeMs - dns[6]!.timeMs < 5);
    assert.equal(syns(p)[0]!.frame, 9);
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

  it("connect-then-wait: the handshake, then 500 ms of silence, then the GET", async () => {
    const p = await fixture("connect-then-wait");
    const port = serverPort(p);
    const request = withPayload(toPort(p, port))[0]!;
    assert.equal(request.frame, 4);
    assert.match(payloadText(request), /^GET \/after-a-wait HTTP\/1\.1\r\n/);
    const gapMs = request.timeMs - p[2]!.timeMs;
    assert.ok(gapMs >= 499 && gapMs < 520, `${gapMs} ms`);
    assert.equal(p.slice(0, 3).filter((x) => x.payloadLenBytes > 0).length, 0);
  });

  it("server-push-stream: one 17-byte line, then 100 chunks of 200 bytes ~20 ms apart", async () => {
    const p = await fixture("server-push-stream");
    const port = serverPort(p);
    const lines = withPayload(toPort(p, port));
    assert.deepEqual(
      lines.map((x) => [x.frame, payloadText(x)]),
      [[4, "SUBSCRIBE ticks\r\n"]],
    );
    const chunks = withPayload(fromPort(p, port));
    assert.equal(chunks.length, 100);
    assert.ok(chunks.every((x) => x.payloadLenBytes === 200));
    const spanMs = chunks[99]!.timeMs - chunks[0]!.timeMs;
    assert.ok(spanMs >= 99 * 20 - 1 && spanMs < 99 * 25, `${spanMs} ms`);
  });

  it("slow-reader: a window of at most 2,920 bytes, and the server's flights ~20 ms apart, at the reads' pace", async () => {
    const p = await fixture("slow-reader");
    const port = serverPort(p);
    // SO_RCVBUF before connect: the SYN offers no scaling headroom (shift 0) and a 2,920-byte window.
    assert.equal(syns(p)[0]!.windowScale, 0);
    const windows = new Set(toPort(p, port).map((x) => x.window));
    assert.deepEqual(
      [...windows].sort((a, b) => a - b),
      [1448, 2896, 2920],
    );
    // A flight starts when the server sends again after more than 5 ms of silence.
    const data = withPayload(fromPort(p, port));
    const gaps: number[] = [];
    for (let i = 1; i < data.length; i++) {
      const gap = data[i]!.timeMs - data[i - 1]!.timeMs;
      if (gap > 5) gaps.push(gap);
    }
    gaps.sort((a, b) => a - b);
    assert.ok(gaps.length >= 40, `${gaps.length} flights`);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    assert.ok(median >= 19 && median < 25, `median gap ${median} ms`);
  });
});
