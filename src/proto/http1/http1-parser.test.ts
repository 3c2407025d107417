import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusPath, readReference, requireCommand, requireCorpus } from "../../testing/corpus.ts";
import type { ProtoMessage } from "../proto-message.ts";
import type { ProtocolDispatcher } from "../protocol-dispatcher.ts";
import { parseCaptureProtocols } from "../testing/capture-protocols.ts";
import { tsharkFields } from "../testing/tshark.ts";
import type { ProtoAnomaly, ProtoSink, StreamDir } from "../types.ts";
import type { HttpMessage } from "./http1-message.ts";
import { Http1Parser } from "./http1-parser.ts";
import { MAX_HEAD_BYTES } from "./http1-reader.ts";

function http(messages: ProtoMessage[]): HttpMessage[] {
  return messages.filter((m): m is HttpMessage => m.protocol === "http1");
}

/** Feeds text to a parser in chunks of `chunk` bytes, frame = chunk number + 1. */
class Feeder {
  readonly messages: HttpMessage[] = [];
  readonly anomalies: ProtoAnomaly[] = [];
  readonly parser: Http1Parser;
  private readonly offsets = [0, 0];
  private frame = 0;
  constructor() {
    const sink: ProtoSink = {
      message: (m) => {
        if (m.protocol === "http1") this.messages.push(m);
      },
      anomaly: (a) => this.anomalies.push(a),
    };
    this.parser = new Http1Parser(sink);
  }
  send(dir: StreamDir, text: string | Uint8Array, chunk = Number.POSITIVE_INFINITY): this {
    const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
    for (let i = 0; i < bytes.length; i += chunk) {
      const part = bytes.subarray(i, Math.min(bytes.length, i + chunk));
      this.frame++;
      this.parser.onData(dir, part, this.offsets[dir], this.frame, this.frame * 10);
      this.offsets[dir] += part.length;
    }
    return this;
  }
  gap(dir: StreamDir, len: number): this {
    this.frame++;
    this.parser.onGap(dir, this.offsets[dir], len, this.frame, this.frame * 10);
    this.offsets[dir] += len;
    return this;
  }
  end(dir: StreamDir): this {
    this.frame++;
    this.parser.onEnd(dir, "fin", this.offsets[dir], this.frame, this.frame * 10);
    return this;
  }
}

// ── corpus, compared with tshark ──

const HTTP_FILES = [
  "get.pcap",
  "pipelined-requests.pcap",
  "100-continue.pcap",
  "docker-http-upgrade.pcap",
  "http_espn.pcapng",
  "filecontainer-http.pcap",
  "wikipedia.pcap",
  "http-qinq-0.pcap",
  "sv-http-ipv6-input.pcap",
  "test_loopback.pcap",
  "TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap",
  "206_example_a.pcap",
  "vnd.ms-cab-compressed-multi-conn.pcap",
  "latency1.pcapng",
];

test("request counts, methods, targets and end frames match tshark on the HTTP corpus", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  const reference = new Map(readReference().map((r) => [r.file, r]));
  for (const file of HTTP_FILES) {
    const path = corpusPath(file);
    const ours = http((await parseCaptureProtocols(path)).messages).filter(
      (m) => m.kind === "request",
    );
    const theirs = tsharkFields(path, "http.request", [
      "frame.number",
      "http.request.method",
      "http.request.uri",
    ]);
    assert.equal(
      ours.length,
      Number(reference.get(file)?.["http.request"]),
      `${file}: REFERENCE.tsv http.request`,
    );
    const key = (frame: number | string, method: string, uri: string) =>
      `${frame} ${method} ${uri}`;
    // tshark reports a request in the frame that completes it (its last byte).
    const mine = ours.map((m) => key(m.lastFrame, m.method, m.target)).sort();
    const want = theirs.map((r) => key(r[0], r[1], r[2])).sort();
    assert.deepEqual(mine, want, file);
  }
});

test("response status codes and completing frames match tshark on the HTTP corpus", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  for (const file of HTTP_FILES) {
    const path = corpusPath(file);
    // tshark lists only responses it could reassemble whole: not those with bytes the capture
    // missed, which we still frame (and report with bodyGapBytes).
    const ours = http((await parseCaptureProtocols(path)).messages).filter(
      (m) => m.kind === "response" && m.complete && m.bodyGapBytes === 0,
    );
    const theirs = tsharkFields(path, "http.response", ["frame.number", "http.response.code"]);
    const mine = ours.map((m) => `${m.lastFrame} ${m.status}`).sort();
    const want = theirs.map((r) => `${r[0]} ${r[1]}`).sort();
    assert.deepEqual(mine, want, file);
  }
});

test("pipelined requests are answered first-in first-out with their frames", async (t) => {
  if (!requireCorpus(t)) return;
  const all = http((await parseCaptureProtocols(corpusPath("pipelined-requests.pcap"))).messages);
  const responses = all.filter((m) => m.kind === "response");
  assert.deepEqual(
    responses.map((m) => [m.requestIndex, m.firstFrame, m.lastFrame, m.bodyBytes]),
    [
      [0, 5, 5, 946],
      [1, 7, 12, 6716],
      [2, 15, 15, 94],
      [3, 17, 18, 2349],
      [4, 21, 45, 27579],
    ],
  );
  assert.ok(
    responses.every((m) => m.framing === "content-length" && m.contentLength === m.bodyBytes),
  );
});

test("Expect: 100-continue: the interim 100 precedes the request body and the final response", async (t) => {
  if (!requireCorpus(t)) return;
  const all = http((await parseCaptureProtocols(corpusPath("100-continue.pcap"))).messages);
  const request = all.find((m) => m.kind === "request") as HttpMessage;
  const [interim, final] = all.filter((m) => m.kind === "response");
  assert.equal(request.method, "POST");
  assert.equal(request.expectContinue, true);
  assert.deepEqual(
    [interim.status, interim.informational, interim.requestIndex, interim.firstFrame],
    [100, true, 0, 6],
  );
  // The client waited for the 100 (frame 6) before sending the body.
  assert.ok(request.bodyFirstFrame > interim.lastFrame, `body at frame ${request.bodyFirstFrame}`);
  assert.deepEqual([request.bodyBytes, request.lastFrame], [2001, 10]);
  assert.deepEqual(
    [final.status, final.framing, final.requestIndex, final.complete],
    [200, "chunked", 0, true],
  );
});

test("101 Switching Protocols stops HTTP parsing and counts the upgraded bytes", async (t) => {
  if (!requireCorpus(t)) return;
  const r = await parseCaptureProtocols(corpusPath("docker-http-upgrade.pcap"));
  const all = http(r.messages);
  const upgraded = all.find((m) => m.status === 101) as HttpMessage;
  assert.deepEqual(
    [upgraded.reason, upgraded.upgrade, upgraded.framing, upgraded.firstFrame],
    ["UPGRADED", "tcp", "switch", 16],
  );
  const parserOf = (c: (typeof r.connections)[number]) =>
    (c.consumer as ProtocolDispatcher).parser as Http1Parser;
  const conn = r.connections.find((c) => parserOf(c).switchedTo === "tcp");
  assert.ok(conn !== undefined);
  const parser = parserOf(conn);
  assert.deepEqual(parser.mode, ["tunnel", "tunnel"]);
  assert.ok(parser.tunnelBytes[1] > 0);
  // HEAD /_ping is answered without a body even though it carries Content-Length.
  const ping = all.find((m) => m.kind === "response" && m.requestMethod === "HEAD") as HttpMessage;
  assert.deepEqual([ping.status, ping.framing, ping.bodyBytes], [200, "none", 0]);
});

// ── self-made bytes ──

test("chunked bodies with extensions and trailers parse the same byte by byte", () => {
  const response =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" +
    "5;ext=1\r\nhello\r\n0a\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n" +
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n";
  for (const chunk of [1, 3, 1000]) {
    const f = new Feeder()
      .send(0, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
      .send(1, response, chunk);
    const [a, b] = f.messages.filter((m) => m.kind === "response");
    assert.deepEqual(
      [a.framing, a.complete, a.bodyBytes, a.requestIndex],
      ["chunked", true, 53, 0],
      `chunk ${chunk}`,
    );
    assert.deepEqual([b.status, b.framing, b.bodyBytes, b.requestIndex], [304, "none", 0, 1]);
    assert.deepEqual(f.anomalies, []);
  }
});

test("a gap inside a Content-Length body keeps the framing; the next message follows", () => {
  const f = new Feeder()
    .send(0, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n")
    .send(1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n123")
    .gap(1, 4)
    .send(1, "890HTTP/1.0 404 Nope\r\nContent-Length: 0\r\n\r\n");
  const [a, b] = f.messages.filter((m) => m.kind === "response");
  assert.deepEqual([a.bodyBytes, a.bodyGapBytes, a.complete], [10, 4, true]);
  assert.deepEqual([b.status, b.reason, b.requestIndex], [404, "Nope", 1]);
});

test("after a gap inside a head the reader resynchronises at the next request line", () => {
  const f = new Feeder()
    .send(0, "GET /lost HTTP/1.1\r\nHost: a")
    .gap(0, 100)
    .send(0, "rest of a header\r\n\r\nPOST /found HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
  const requests = f.messages.filter((m) => m.kind === "request");
  assert.deepEqual(
    requests.map((m) => [m.method, m.target, m.bodyBytes]),
    [["POST", "/found", 2]],
  );
  assert.deepEqual(
    f.anomalies.map((a) => a.name),
    ["http-gap-in-header", "http-resync"],
  );
});

test("a head beyond the size limit is a named anomaly, and parsing resumes after it", () => {
  const huge = `GET / HTTP/1.1\r\n${"X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(Math.ceil(MAX_HEAD_BYTES / 50))}\r\n`;
  const f = new Feeder().send(0, huge, 1460).send(0, "GET /next HTTP/1.1\r\n\r\n");
  assert.equal(f.anomalies[0].name, "http-header-too-large");
  const requests = f.messages.filter((m) => m.kind === "request");
  assert.deepEqual(
    requests.map((m) => m.target),
    ["/next"],
  );
});

test("a close-delimited response ends at FIN; a cut Content-Length response is incomplete", () => {
  const f = new Feeder()
    .send(0, "GET / HTTP/1.0\r\n\r\n")
    .send(1, "HTTP/1.0 200 OK\r\n\r\nall of it")
    .end(1);
  const [r] = f.messages.filter((m) => m.kind === "response");
  assert.deepEqual([r.framing, r.bodyBytes, r.complete], ["close", 9, true]);
  const g = new Feeder()
    .send(0, "GET / HTTP/1.1\r\n\r\n")
    .send(1, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")
    .end(1);
  const [cut] = g.messages.filter((m) => m.kind === "response");
  assert.deepEqual([cut.complete, cut.bodyBytes], [false, 5]);
  assert.deepEqual(
    g.anomalies.map((a) => a.name),
    ["http-message-cut"],
  );
});

test("CONNECT answered 200 turns both directions into a counted tunnel", () => {
  const f = new Feeder()
    .send(0, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    .send(1, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01")
    .send(0, "\x16\x03\x01\x00\x05hello");
  assert.deepEqual(f.parser.mode, ["tunnel", "tunnel"]);
  assert.deepEqual(f.parser.tunnelBytes, [10, 3]);
  assert.equal(f.parser.switchedTo, "connect");
});

test("Transfer-Encoding with Content-Length is named; a response to an unseen request is named", () => {
  const f = new Feeder()
    .send(1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
    .send(
      0,
      "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    );
  assert.deepEqual(
    f.anomalies.map((a) => a.name),
    ["http-response-without-request", "http-content-length-with-transfer-encoding"],
  );
  const [req] = f.messages.filter((m) => m.kind === "request");
  assert.deepEqual([req.framing, req.bodyBytes], ["chunked", 11]);
});

test("a client pipelining far ahead: its waiting requests held as runs, responses paired in order", () => {
  // 10,000 GETs with a HEAD in the middle before any response, then every response: the
  // parser holds three runs (GET, HEAD, GET), not 10,000 entries, and frames the HEAD's
  // response without a body.
  const f = new Feeder();
  const n = 10_000;
  const head = 5_000;
  for (let i = 0; i < n; i++) {
    f.send(0, `${i === head ? "HEAD" : "GET"} /item/${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
  }
  assert.equal(f.parser.pending.length, n);
  assert.equal(f.parser.pending.runCount, 3);
  for (let i = 0; i < n; i++) {
    f.send(
      1,
      i === head
        ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
  }
  assert.equal(f.parser.pending.length, 0);
  assert.equal(f.parser.pending.runCount, 0);
  const responses = f.messages.filter((m) => m.kind === "response");
  assert.equal(responses.length, n);
  assert.deepEqual(
    responses.map((m) => m.requestIndex),
    Array.from({ length: n }, (_, i) => i),
  );
  assert.equal(responses[head]!.requestMethod, "HEAD");
  assert.equal(responses[head]!.bodyBytes, 0);
  assert.equal(f.anomalies.length, 0);
});
