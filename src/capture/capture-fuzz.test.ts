/**
 * Mutated captures through the readers alone: nothing but a CaptureError may escape (never
 * WW_ERR_INTERNAL), no case may take long, and the synchronous file path and the chunked stream
 * path must reach exactly the same packets, warnings and error on every mutated input, because
 * they share one parser core.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { corpusAvailable, corpusDir } from "../testing/corpus.ts";
import { mutate, prng } from "../testing/fuzz.ts";
import { concat, epb, idb, payload, pcapFile, shb } from "./testing/capture-bytes.ts";
import { feedInChunks, type ReadResult, readBytes } from "./testing/read-bytes.ts";
import { CaptureError } from "./types.ts";

const CASES = 1_500;
const CASE_LIMIT_MS = 2_000;

function sources(): Uint8Array[] {
  const own = [
    pcapFile(
      {},
      Array.from({ length: 30 }, (_, i) => ({
        sec: 1_764_000_000 + i,
        fraction: i,
        data: payload(40 + i * 13, i),
      })),
    ),
    concat(
      shb(true),
      idb(true, 1, 0, [[9, Uint8Array.of(9)]]),
      shb(false),
      idb(false, 101, 0),
      ...Array.from({ length: 20 }, (_, i) =>
        epb(false, {
          interfaceId: 0,
          tsHi: 410_000,
          tsLo: i * 1_000_003,
          data: payload(30 + i, i),
        }),
      ),
    ),
  ];
  if (!corpusAvailable()) return own;
  const corpus = readdirSync(corpusDir)
    .filter((n) => /\.(pcap|pcapng|cap)$/.test(n) && statSync(join(corpusDir, n)).size <= 70_000)
    .map((n) => new Uint8Array(readFileSync(join(corpusDir, n))));
  return [...own, ...corpus];
}

type Outcome = { error: string } | { summary: unknown };

function summarise(r: ReadResult): Outcome {
  return {
    summary: {
      packets: r.packets.map((p) => [
        p.fileOffset,
        p.data.length,
        p.tsSec,
        p.tsNsec,
        p.interfaceIndex,
      ]),
      warnings: r.meta.warnings.map((w) => [w.code, w.offsetBytes, w.count, w.skippedBytes]),
      stoppedEarly: r.meta.stoppedEarly,
      interfaces: r.meta.interfaces.length,
    },
  };
}

function failure(e: unknown): Outcome {
  if (e instanceof CaptureError && e.code !== "WW_ERR_INTERNAL") return { error: e.code };
  throw e;
}

test(`${CASES} mutated captures: only CaptureErrors, bounded time, file path == chunked path`, async () => {
  const inputs = sources();
  const random = prng(2024);
  let packets = 0;
  let slowest = 0;
  for (let i = 0; i < CASES; i++) {
    const input = inputs[Math.floor(random() * inputs.length)];
    const { bytes, mutation } = mutate(input, random);
    const started = performance.now();
    let viaFile: Outcome;
    try {
      const r = await readBytes(bytes);
      packets += r.packets.length;
      viaFile = summarise(r);
    } catch (e) {
      viaFile = failure(e);
    }
    let chunked: Outcome;
    try {
      let n = i;
      chunked = summarise(feedInChunks(bytes, () => 1 + ((n++ * 2654435761) % 4099), 32));
    } catch (e) {
      chunked = failure(e);
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < CASE_LIMIT_MS, `case ${i} (${mutation}) took ${ms.toFixed(0)} ms`);
    assert.deepEqual(chunked, viaFile, `case ${i} (${mutation}): the two paths disagree`);
  }
  // The mutations leave most inputs readable: the parsers really walked packets.
  assert.ok(packets > CASES * 5, `only ${packets} packets`);
});
