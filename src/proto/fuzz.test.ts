/**
 * Fuzzing of every parser on mutated real streams: the reassembled bytes of corpus connections
 * (HTTP/1, TLS, HTTP/2, DNS) are mutated with the project's seeded mutator, cut into random
 * chunks with random gaps, and fed to the parser. A case passes when no exception escapes and it
 * finishes within its time limit. The reassembler is fuzzed on shuffled, duplicated, overlapping
 * segments with random ACKs, and must deliver each offset at most once, in order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusPath, requireCorpus } from "../testing/corpus.ts";
import { mutate, prng } from "../testing/fuzz.ts";
import { DnsTcpParser } from "./dns/dns-tcp-parser.ts";
import { DnsTracker } from "./dns/dns-tracker.ts";
import { Http1Parser } from "./http1/http1-parser.ts";
import { Http2Parser } from "./http2/http2-parser.ts";
import { StreamReassembler } from "./stream-reassembler.ts";
import { type RecordedChunk, recordStreams } from "./testing/stream-recorder.ts";
import { TlsParser } from "./tls/tls-parser.ts";
import { GenericTurnParser } from "./turns/generic-turns.ts";
import type { ProtoSink, StreamConsumer, StreamDir } from "./types.ts";

const CASES = 1000;
const CASE_LIMIT_MS = 1000;

let sinkCount = 0;
const sink: ProtoSink = {
  message: () => {
    sinkCount++;
  },
  anomaly: () => {
    sinkCount++;
  },
};

/** Mutates one direction's bytes of a recorded stream and replays it in random chunks and gaps. */
function runCase(streams: RecordedChunk[][], seed: number, make: () => StreamConsumer): void {
  const random = prng(seed);
  const stream = streams[Math.floor(random() * streams.length)];
  const dirs = [0, 1].map((dir) => {
    const parts = stream.filter((c) => c.dir === dir).map((c) => c.bytes);
    const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      whole.set(p, o);
      o += p.length;
    }
    return random() < 0.7 ? mutate(whole, random).bytes : whole;
  });
  const parser = make();
  const at = [0, 0];
  let frame = 0;
  while ((at[0] < dirs[0].length || at[1] < dirs[1].length) && parser.wantsData) {
    const dir: StreamDir =
      at[0] >= dirs[0].length ? 1 : at[1] >= dirs[1].length ? 0 : random() < 0.5 ? 0 : 1;
    const bytes = dirs[dir];
    const len = Math.min(
      bytes.length - at[dir],
      1 + Math.floor(random() * (random() < 0.5 ? 16 : 3000)),
    );
    frame++;
    if (random() < 0.02) parser.onGap(dir, at[dir], len, frame, frame);
    else parser.onData(dir, bytes.subarray(at[dir], at[dir] + len), at[dir], frame, frame);
    at[dir] += len;
  }
  parser.onEnd(0, "fin", at[0], frame + 1, frame + 1);
  parser.onEnd(1, random() < 0.5 ? "rst" : "close", at[1], frame + 1, frame + 1);
}

async function fuzzParser(
  files: string[],
  firstSeed: number,
  make: () => StreamConsumer,
): Promise<number> {
  const streams: RecordedChunk[][] = [];
  for (const f of files) streams.push(...(await recordStreams(corpusPath(f))));
  assert.ok(streams.length > 0);
  let slowest = 0;
  for (let i = 0; i < CASES; i++) {
    const seed = firstSeed + i;
    const started = performance.now();
    try {
      runCase(streams, seed, make);
    } catch (error) {
      assert.fail(`seed ${seed}: ${error instanceof Error ? error.stack : error}`);
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < CASE_LIMIT_MS, `seed ${seed} took ${ms} ms`);
  }
  return slowest;
}

test("HTTP/1: 1,000 mutated real streams, no exception, no hang", async (t) => {
  if (!requireCorpus(t)) return;
  const before = sinkCount;
  await fuzzParser(
    [
      "pipelined-requests.pcap",
      "100-continue.pcap",
      "docker-http-upgrade.pcap",
      "filecontainer-http.pcap",
      "http2-range.pcap",
    ],
    1,
    () => new Http1Parser(sink),
  );
  assert.ok(
    sinkCount - before > CASES,
    "the parsers reported next to nothing: the inputs were not HTTP",
  );
});

test("TLS: 1,000 mutated real streams, no exception, no hang", async (t) => {
  if (!requireCorpus(t)) return;
  await fuzzParser(
    [
      "tls13_wolfssl.pcap",
      "hrr.pcap",
      "chrome-1250-tls-x25519-kyber.pcap",
      "client-certificate.pcap",
      "ecdhe.pcap",
    ],
    10_001,
    () => new TlsParser(sink),
  );
});

test("HTTP/2: 1,000 mutated real streams, no exception, no hang", async (t) => {
  if (!requireCorpus(t)) return;
  await fuzzParser(
    ["sv-http2-keywords2-input.pcap", "dns_over_https.pcap", "sv-http2-keywords-input.pcap"],
    20_001,
    () => new Http2Parser(sink, { prefaceBytesSeen: 0 }),
  );
});

test("DNS over TCP and generic turns: 1,000 mutated real streams each, no exception", async (t) => {
  if (!requireCorpus(t)) return;
  const tracker = new DnsTracker(sink);
  await fuzzParser(
    ["get.pcap", "ecdhe.pcap"],
    30_001,
    () => new DnsTcpParser(tracker, "a 1", "b 53"),
  );
  tracker.finish();
  await fuzzParser(["get.pcap", "ssh-dups.pcap"], 40_001, () => new GenericTurnParser(sink));
});

test("reassembly: shuffled, duplicated, overlapping segments deliver each byte once, in order", () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const random = prng(seed);
    const total = 1 + Math.floor(random() * 5000);
    const data = Uint8Array.from({ length: total }, (_, i) => (i * 7 + seed) & 0xff);
    const isn = Math.floor(random() * 2 ** 32);
    const segments: [number, number][] = [];
    for (let at = 0; at < total; ) {
      const len = 1 + Math.floor(random() * 600);
      segments.push([at, Math.min(total, at + len)]);
      at += len;
    }
    // Retransmissions and overlaps, then a shuffle limited to nearby positions (reordering).
    for (let i = 0, n = segments.length; i < n / 3; i++) {
      const [s, e] = segments[Math.floor(random() * n)];
      segments.push([Math.max(0, s - Math.floor(random() * 50)), e]);
    }
    for (let i = segments.length - 1; i > 0; i--) {
      const j = Math.max(0, i - Math.floor(random() * 4));
      [segments[i], segments[j]] = [segments[j], segments[i]];
    }
    const lost = random() < 0.3 ? Math.floor(random() * segments.length) : -1;
    let next = 0;
    let gaps = 0;
    const consumer: StreamConsumer = {
      wantsData: true,
      onData: (_dir, bytes, offset) => {
        assert.equal(offset, next, `seed ${seed}`);
        for (let k = 0; k < bytes.length; k++)
          assert.equal(bytes[k], data[offset + k], `seed ${seed}`);
        next += bytes.length;
      },
      onGap: (_dir, offset, len) => {
        assert.equal(offset, next, `seed ${seed}`);
        next += len;
        gaps++;
      },
      onEnd: (_dir, _reason, offset) => {
        if (_dir === 0) assert.equal(offset, next, `seed ${seed}`);
      },
    };
    const r = new StreamReassembler(consumer, 4096);
    r.onSyn(0, isn);
    segments.forEach(([s, e], i) => {
      if (i === lost && segments.filter(([a]) => a === s).length === 1) return;
      r.onSegment(0, (isn + 1 + s) >>> 0, data.subarray(s, e), i + 1, i);
      if (random() < 0.3) r.onAck(1, (isn + 1 + Math.floor(random() * total)) >>> 0, i + 1, i);
    });
    r.onFin(0, (isn + 1 + total) >>> 0, segments.length + 1, segments.length);
    r.close(segments.length + 2, segments.length + 1);
    assert.equal(next, total, `seed ${seed}: ${gaps} gaps`);
  }
});
