import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { corpusAvailable, corpusDir, repoRoot } from "./corpus.ts";
import { fuzzCaptures, mutate, prng } from "./fuzz.ts";

/** Corpus files small enough that thousands of mutated reads stay within seconds. */
function fuzzSources(): string[] {
  const sources = [join(repoRoot, "examples/loopback-http.pcap")];
  if (corpusAvailable()) {
    for (const name of readdirSync(corpusDir)) {
      const path = join(corpusDir, name);
      if (/\.(pcap|pcapng|cap|gz)$/.test(name) && statSync(path).size <= 100_000)
        sources.push(path);
    }
  }
  return sources;
}

test("mutations are reproducible from their seed", () => {
  const input = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const a = mutate(input, prng(42));
  const b = mutate(input, prng(42));
  assert.equal(a.mutation, b.mutation);
  assert.deepEqual(a.bytes, b.bytes);
  assert.notDeepEqual(mutate(input, prng(43)).bytes, input.subarray(0, 0));
});

test("3,000 mutated real captures: no exception escapes, no case hangs, memory stays bounded", async () => {
  const rssBefore = process.memoryUsage().rss;
  const result = await fuzzCaptures(fuzzSources(), 3_000, 1);
  const rssGrowthMB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.deepEqual(result.failures.slice(0, 3), [], `${result.failures.length} failing cases`);
  assert.equal(result.cases, 3_000);
  // The mutations leave most files readable: the readers really did walk packets.
  assert.ok(result.packets > 3_000 * 5, `only ${result.packets} packets decoded`);
  assert.ok(result.slowestMs < 2_000, `slowest case ${result.slowestMs} ms`);
  assert.ok(rssGrowthMB < 200, `RSS grew by ${rssGrowthMB.toFixed(0)} MB`);
});
