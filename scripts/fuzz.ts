/**
 * `npm run fuzz`: a long fuzzing run of the readers, decoders and renderers on mutated real
 * captures (the project's own examples, and ../shared/captures when present).
 * Usage: npm run fuzz -- [--cases N] [--seed S] [--minutes M]
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { corpusAvailable, corpusDir, repoRoot } from "../src/testing/corpus.ts";
import { fuzzCaptures } from "../src/testing/fuzz.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const totalCases = flag("--cases", 100_000);
let seed = flag("--seed", Date.now() % 1e9);
const deadline = Date.now() + flag("--minutes", 30) * 60_000;

const sources = [join(repoRoot, "examples/loopback-http.pcap")];
if (corpusAvailable()) {
  for (const name of readdirSync(corpusDir)) {
    const path = join(corpusDir, name);
    if (/\.(pcap|pcapng|cap|gz)$/.test(name) && statSync(path).size <= 2_000_000)
      sources.push(path);
  }
}
console.error(`fuzzing ${sources.length} captures, ${totalCases} cases from seed ${seed}`);
let done = 0;
let failures = 0;
while (done < totalCases && Date.now() < deadline) {
  const batch = Math.min(1_000, totalCases - done);
  const result = await fuzzCaptures(sources, batch, seed);
  for (const f of result.failures) {
    failures++;
    console.log(
      `FAIL seed=${f.seed} ${f.mutation} ${f.source}\n  ${f.error.split("\n").slice(0, 4).join("\n  ")}`,
    );
  }
  done += batch;
  seed += batch;
  console.error(`${done} cases, ${failures} failures, slowest ${result.slowestMs.toFixed(0)} ms`);
}
process.exitCode = failures ? 1 : 0;
