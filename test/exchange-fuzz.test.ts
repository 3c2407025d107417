/**
 * runPass on mutated captures (the lab fixtures this project recorded, and corpus files with
 * HTTP, TLS, HTTP/2 and DNS read at test time): nothing escapes but a CaptureError, every pass
 * ends, every exchange still tiles, and the exchanges do not depend on whether packets are flagged.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CaptureError } from "../src/capture/types.ts";
import { runPass } from "../src/exchange/index.ts";
import type { Exchange } from "../src/exchange/types.ts";
import { corpusAvailable, corpusPath, repoRoot } from "../src/testing/corpus.ts";
import { mutate, prng } from "../src/testing/fuzz.ts";

const SEEDS = [
  join(repoRoot, "test/fixtures/labs/slow-dns.pcap"),
  join(repoRoot, "test/fixtures/labs/keep-alive-reuse-race.pcap"),
  join(repoRoot, "test/fixtures/labs/slow-tls-handshake.pcap"),
  join(repoRoot, "test/fixtures/labs/zero-window-client.pcap"),
  join(repoRoot, "examples/loopback-http.pcap"),
];
const CORPUS_SEEDS = [
  "pipelined-requests.pcap",
  "100-continue.pcap",
  "http2-range.pcap",
  "hrr.pcap",
  "test_dns.pcap",
  "http_espn_fail.pcapng",
];
const CASES_PER_SEED = 200;

function tiles(x: Exchange): boolean {
  let t = x.startMs;
  for (const p of x.phases) {
    if (Math.abs(p.startMs - t) > 1e-6 || !(p.durationMs > 0)) return false;
    t = p.startMs + p.durationMs;
  }
  return Math.abs(t - (x.startMs + x.durationMs)) <= 1e-6;
}

/**
 * The exchanges of one run; only a CaptureError may stop it (what came before still counts).
 * `lean`: no summaries and no packet flags past the handshake; else summaries, so every packet
 * is flagged.
 */
async function exchangesOf(path: string, lean: boolean, label: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  try {
    await runPass(path, {
      keepConnections: !lean,
      flagPackets: !lean,
      observers: [{ onExchange: (x) => out.push(x) }],
    });
  } catch (error) {
    if (!(error instanceof CaptureError)) throw new Error(`${label}: ${(error as Error).stack}`);
  }
  return out;
}

test("mutated captures: runPass ends, throws nothing but CaptureError, phases tile, flags change nothing", async () => {
  const seeds = [...SEEDS];
  if (corpusAvailable()) for (const f of CORPUS_SEEDS) seeds.push(corpusPath(f));
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-exchange-fuzz-"));
  const random = prng(0x5eed4);
  let runs = 0;
  let exchanges = 0;
  try {
    for (const seed of seeds) {
      const input = readFileSync(seed);
      for (let i = 0; i < CASES_PER_SEED; i++) {
        const { bytes, mutation } = mutate(input, random);
        const path = join(dir, "case.pcap");
        writeFileSync(path, bytes);
        // Without a packet observer the tcp stage flags packets only until the handshake: the
        // exchanges must be the same as with every packet flagged, however broken the capture.
        const lean = await exchangesOf(path, true, `${seed} case ${i} (${mutation})`);
        const flagged = await exchangesOf(path, false, `${seed} case ${i} (${mutation})`);
        assert.deepEqual(lean, flagged, `${seed} case ${i} (${mutation}): flags changed exchanges`);
        for (const x of lean) {
          exchanges++;
          assert.ok(tiles(x), `${seed} #${i} ${mutation}: exchange ${x.id} does not tile`);
        }
        runs++;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(runs, seeds.length * CASES_PER_SEED);
  assert.ok(exchanges > runs, `${exchanges} exchanges in ${runs} runs`);
});
