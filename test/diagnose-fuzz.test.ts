/**
 * analyzeCapture on mutated captures (the lab captures and the diagnose stage's own, bytes
 * flipped, cut, duplicated: src/testing/fuzz.ts): every case ends with an Analysis that validates
 * against the published schema, with charges that still add up, or with a coded CaptureError;
 * nothing else escapes and no case hangs. Seeded, so a failure names a reproducible case.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { CaptureError } from "../src/capture/types.ts";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import { analyzeCapture } from "../src/diagnose/index.ts";
import { mutate, prng } from "../src/testing/fuzz.ts";

const CASES = 120;
const SEED = 20261126;
/** Every source is under 200 KB: a case that takes longer than this is a hang. */
const CASE_LIMIT_MS = 5_000;

const dirs = [
  fileURLToPath(new URL("./fixtures/labs/", import.meta.url)),
  fileURLToPath(new URL("../src/diagnose/testing/fixtures/", import.meta.url)),
];

it(`analyzeCapture survives ${CASES} mutated captures`, async (t) => {
  const sources = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".pcap"))
      .map((f) => join(dir, f)),
  );
  const work = mkdtempSync(join(tmpdir(), "wirewhy-diagnose-fuzz-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const random = prng(SEED);
  for (let i = 0; i < CASES; i++) {
    const source = sources[i % sources.length]!;
    const { bytes, mutation } = mutate(readFileSync(source), random);
    const file = join(work, `case-${i}.pcap`);
    writeFileSync(file, bytes);
    const what = `case ${i} (${mutation} of ${source})`;
    const started = performance.now();
    try {
      const analysis = await analyzeCapture(file, { all: true });
      const parsed = analysisSchema.safeParse(analysis);
      assert.ok(parsed.success, `${what}: ${JSON.stringify(parsed.error?.issues.slice(0, 2))}`);
      for (const exchange of analysis.exchanges) {
        let sum = 0;
        for (const phase of exchange.phases) {
          for (const ms of Object.values(phase.charges)) sum += ms ?? 0;
        }
        assert.ok(Math.abs(sum - exchange.durationMs) < 1e-6, `${what}: exchange ${exchange.id}`);
      }
    } catch (error) {
      if (!(error instanceof CaptureError)) throw new Error(`${what}: ${String(error)}`);
      assert.match(error.code, /^WW_ERR_/);
    }
    assert.ok(performance.now() - started < CASE_LIMIT_MS, `${what} took too long`);
  }
});
