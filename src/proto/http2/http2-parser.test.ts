import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { test } from "node:test";
import { corpusPath, requireCommand, requireCorpus } from "../../testing/corpus.ts";
import type { ProtoMessage } from "../proto-message.ts";
import { parseCaptureProtocols } from "../testing/capture-protocols.ts";
import { tsharkFields } from "../testing/tshark.ts";
import type { ProtoAnomaly, StreamDir } from "../types.ts";
import { HpackDecoder, HpackFields } from "./hpack-decoder.ts";
import { HUFFMAN_CODES, HUFFMAN_LENGTHS, huffmanDecode } from "./hpack-huffman.ts";
import type { Http2StreamMessage } from "./http2-message.ts";
import { Http2Parser } from "./http2-parser.ts";

function streams(messages: ProtoMessage[]): Http2StreamMessage[] {
  return messages.filter(
    (m): m is Http2StreamMessage => m.protocol === "http2" && m.kind === "stream",
  );
}

test("the Huffman code derived from the code lengths is the complete prefix code of RFC 7541", () => {
  // Kraft: a complete prefix code has sum 2^-len = 1.
  const kraft = HUFFMAN_LENGTHS.reduce((sum, len) => sum + 2 ** -len, 0);
  assert.equal(kraft, 1);
  // Spot checks against Appendix B: '0' 00000, 'a' 00011, ' ' 010100, EOS 30 ones.
  assert.deepEqual(
    [HUFFMAN_CODES[48], HUFFMAN_CODES[97], HUFFMAN_CODES[32], HUFFMAN_CODES[256]],
    [0, 3, 0x14, 0x3fffffff],
  );
  assert.deepEqual(
    [HUFFMAN_CODES[0], HUFFMAN_CODES[255], HUFFMAN_CODES[249]],
    [0x1ff8, 0x3ffffee, 0xffffffe],
  );
  // Padding longer than 7 bits, or not all ones, is an error (§5.2).
  assert.equal(huffmanDecode(Uint8Array.of(0xff, 0xff), 0, 2), undefined);
  assert.equal(huffmanDecode(Uint8Array.of(0x00), 0, 1), undefined);
  assert.equal(huffmanDecode(Uint8Array.of(0x07), 0, 1), "0"); // '0' + 3 one-bits of padding
});

test("HPACK keeps a header block's dynamic-table insertions for the next block", () => {
  const d = new HpackDecoder();
  const f = new HpackFields();
  // :method GET (static 2); literal :path "/x" with indexing (name index 4).
  assert.equal(d.decode(Uint8Array.of(0x82, 0x44, 0x02, 0x2f, 0x78), 0, 5, f), true);
  assert.deepEqual([f.method, f.path, d.tableEntries, d.tableBytes], ["GET", "/x", 1, 5 + 2 + 32]);
  // Index 62 is the newest dynamic entry.
  assert.equal(d.decode(Uint8Array.of(0x83, 0xbe), 0, 2, f), true);
  assert.deepEqual([f.method, f.path], ["POST", "/x"]);
  // An index past the table breaks the decoder for good: later blocks are not trusted.
  assert.equal(d.decode(Uint8Array.of(0xff, 0x10), 0, 2, f), false);
  assert.equal(d.decode(Uint8Array.of(0x82), 0, 1, f), false);
  assert.equal(d.broken, true);
});

test("streams, methods, paths and statuses match tshark on the h2c corpus", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  // [file, tshark arguments, tshark frames to leave out]. In dns_over_https.pcap the server's
  // HEADERS in frame 21 belong to stream 7, which the client had reset (frame 20): tshark decodes
  // them; we report the stream as reset and ignore frames for closed streams (RFC 9113 §5.1).
  const cases: [string, string[], string[]][] = [
    ["sv-http2-keywords-input.pcap", ["-d", "tcp.port==3000,http2"], []],
    ["sv-http2-keywords2-input.pcap", [], []],
    ["dns_over_https.pcap", [], ["21"]],
    ["http2-range.pcap", [], []],
  ];
  for (const [file, args, skip] of cases) {
    const path = corpusPath(file);
    const ours = streams((await parseCaptureProtocols(path)).messages);
    const rows = tsharkFields(
      path,
      "http2.type==1",
      ["frame.number", "http2.headers.method", "http2.headers.path", "http2.headers.status"],
      args,
    ).filter((r) => !skip.includes(r[0]));
    // Per frame, tshark lists the decoded values of its HEADERS frames, comma-separated.
    const requests: string[] = [];
    const statuses: string[] = [];
    for (const r of rows) {
      const methods = r[1] === "" ? [] : r[1].split(",");
      const paths = r[2] === "" ? [] : r[2].split(",");
      for (let i = 0; i < methods.length; i++) requests.push(`${methods[i]} ${paths[i]}`);
      if (r[3] !== "") statuses.push(...r[3].split(","));
    }
    // Upgrade requests are HTTP/1 requests to tshark (and to the HTTP/1 parser).
    const mine = ours.filter((s) => !s.upgraded).map((s) => `${s.method} ${s.path}`);
    assert.deepEqual(mine.sort(), requests.sort(), `${file} requests`);
    const mineStatuses = ours.filter((s) => s.status !== 0).map((s) => String(s.status));
    assert.deepEqual(mineStatuses.sort(), statuses.sort(), `${file} statuses`);
    assert.ok(mineStatuses.length > 0, file);
  }
});

test("an h2c upgrade makes the upgrade request stream 1 and parses the frames after 101", async (t) => {
  if (!requireCorpus(t)) return;
  const r = await parseCaptureProtocols(corpusPath("sv-http2-keywords2-input.pcap"));
  const all = streams(r.messages);
  assert.deepEqual(
    all.map((s) => [
      s.streamId,
      s.upgraded,
      s.method,
      s.path,
      s.authority,
      s.status,
      s.requestFirstFrame,
      s.responseFirstFrame,
      s.responseEndFrame,
      s.responseDataBytes,
    ]),
    [
      [1, true, "GET", "/robots.txt", "nghttp2.org", 200, 1, 6, 6, 62],
      [3, false, "GET", "/humans.txt", "nghttp2.org", 404, 8, 10, 10, 9],
    ],
  );
});

test("RST_STREAM closes a stream; frames still in flight do not reopen it", async (t) => {
  if (!requireCorpus(t)) return;
  const r = await parseCaptureProtocols(corpusPath("dns_over_https.pcap"));
  const s7 = streams(r.messages).filter((s) => s.streamId === 7);
  assert.equal(s7.length, 1);
  assert.deepEqual(
    [s7[0].resetBy, s7[0].resetName, s7[0].resetFrame, s7[0].complete],
    [0, "CANCEL", 20, true],
  );
});

/**
 * Traffic made here: node's HTTP/2 client and server (nghttp2, Huffman and dynamic table on) on
 * loopback, with a relay between them that records the bytes of each direction as they pass.
 */
async function recordH2c(paths: string[]): Promise<{ dir: StreamDir; bytes: Buffer }[]> {
  const chunks: { dir: StreamDir; bytes: Buffer }[] = [];
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const body = `body of ${headers[":path"]}`;
    stream.respond({
      ":status": headers[":path"] === "/missing" ? 404 : 200,
      "x-custom": "value-1",
    });
    stream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const serverPort = (server.address() as net.AddressInfo).port;
  const relay = net.createServer((client) => {
    const upstream = net.connect(serverPort, "127.0.0.1");
    client.on("data", (b) => {
      chunks.push({ dir: 0, bytes: Buffer.from(b) });
      upstream.write(b);
    });
    upstream.on("data", (b) => {
      chunks.push({ dir: 1, bytes: Buffer.from(b) });
      client.write(b);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const relayPort = (relay.address() as net.AddressInfo).port;
  const session = http2.connect(`http://127.0.0.1:${relayPort}`);
  try {
    for (const path of paths) {
      await new Promise<void>((resolve, reject) => {
        const req = session.request({ ":path": path, "user-agent": "wirewhy-test" });
        req.on("data", () => {});
        req.on("end", () => resolve());
        req.on("error", reject);
        req.end();
      });
    }
  } finally {
    session.close();
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    relay.close();
    server.close();
  }
  return chunks;
}

test("node's own HTTP/2 traffic: every request's path and status are decoded, in any chunking", async () => {
  const paths = ["/", "/a/b?c=d", "/missing", "/a/b?c=d", "/long/".repeat(20)];
  const chunks = await recordH2c(paths);
  for (const split of [0, 1, 7]) {
    const messages: ProtoMessage[] = [];
    const anomalies: ProtoAnomaly[] = [];
    const parser = new Http2Parser({
      message: (m) => messages.push(m),
      anomaly: (a) => anomalies.push(a),
    });
    const offsets = [0, 0];
    chunks.forEach((c, i) => {
      const step = split === 0 ? c.bytes.length : split;
      for (let at = 0; at < c.bytes.length; at += step) {
        const part = c.bytes.subarray(at, at + step);
        parser.onData(c.dir, part, offsets[c.dir], i + 1, i);
        offsets[c.dir] += part.length;
      }
    });
    parser.onEnd(0, "fin", offsets[0], chunks.length + 1, chunks.length);
    parser.onEnd(1, "fin", offsets[1], chunks.length + 1, chunks.length);
    const all = streams(messages);
    assert.deepEqual(anomalies, [], `split ${split}`);
    assert.deepEqual(
      all.map((s) => [s.streamId, s.method, s.path, s.status, s.responseDataBytes, s.complete]),
      paths.map((p, i) => [
        2 * i + 1,
        "GET",
        p,
        p === "/missing" ? 404 : 200,
        `body of ${p}`.length,
        true,
      ]),
      `split ${split}`,
    );
  }
});
