/**
 * Issue 17's "many captures" target: `wirewhy analyze A B` on two workers must take at most 0.7×
 * the time of analyzing A and then B. Two copies of one capture (so the two halves are equal),
 * REPEAT rounds, each timing, in this order: `analyze A` and `analyze B` as two processes one after
 * the other, `analyze -j 1 A B` (one process, one file after the other), `analyze -j 2 A B` (two
 * worker threads). Reports the medians and the median of the rounds' ratios; user+system CPU too,
 * since on a loaded host wall time shows the other processes' load as much as ours, and the
 * largest peak RSS. Runs the
 * compiled CLI (dist/, built first), as bench/run.ts does.
 *
 * Usage: npx tsx bench/many-files.ts [--capture FILE] [--repeat N]   (default: bench/data's)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { flagValue, positiveCount } from "./args.ts";
import { median } from "./timing.ts";

const args = process.argv.slice(2);
const capture = flagValue(args, "--capture") ?? "bench/data/loopback-http.pcap";
const repeat = positiveCount(flagValue(args, "--repeat") ?? "5", "--repeat");
if (!existsSync(capture)) {
  console.error(`bench: no ${capture} (npx tsx bench/make-capture.ts ${capture})`);
  process.exit(2);
}

console.error("bench: building dist/ …");
execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit" });
process.env.WIREWHY_DIST = "1";

const dir = mkdtempSync(join(tmpdir(), "wirewhy-many-bench-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
const a = join(dir, `a-${basename(capture)}`);
const b = join(dir, `b-${basename(capture)}`);
copyFileSync(capture, a);
copyFileSync(capture, b);

interface Run {
  seconds: number;
  cpuSeconds: number;
  rssMB: number;
}

/** Wall and user+system CPU of `analyze ARGS --json` (GNU time), right after reading A and B. */
function analyze(files: string[], jobs: string[] = []): Run {
  execFileSync("sh", ["-c", `cat '${a}' '${b}' > /dev/null`]);
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%e %U %S %M", "node", "bin/wirewhy.js", "analyze", "--json", ...jobs, ...files],
    { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" },
  );
  if (r.status !== 0) {
    console.error(`bench: analyze ${files.join(" ")} failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  const [wall, user, system, maxKb] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { seconds: wall!, cpuSeconds: user! + system!, rssMB: maxKb! / 1024 };
}

const rows: Record<string, Run[]> = { "two processes": [], "-j 1": [], "-j 2": [] };
const ratios: number[] = [];
for (let round = 0; round < repeat; round++) {
  const first = analyze([a]);
  const second = analyze([b]);
  rows["two processes"]!.push({
    seconds: first.seconds + second.seconds,
    cpuSeconds: first.cpuSeconds + second.cpuSeconds,
    rssMB: Math.max(first.rssMB, second.rssMB),
  });
  const sequential = analyze([a, b], ["-j", "1"]);
  rows["-j 1"]!.push(sequential);
  const parallel = analyze([a, b], ["-j", "2"]);
  rows["-j 2"]!.push(parallel);
  ratios.push(parallel.seconds / (first.seconds + second.seconds));
}
console.log(`two copies of ${capture}, ${repeat} rounds (median wall, median user+system CPU)`);
for (const [name, runs] of Object.entries(rows)) {
  const wall = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map((r) => r.cpuSeconds));
  const rss = Math.max(...runs.map((r) => r.rssMB));
  console.log(
    `  ${name.padEnd(14)} ${wall.toFixed(2)} s  cpu ${cpu.toFixed(2)} s  peak RSS ${rss.toFixed(0)} MB`,
  );
}
const ratio = median(ratios);
console.log(
  `  -j 2 / two processes: ${ratio.toFixed(2)}× (median of the rounds; target ≤ 0.70×: ${ratio <= 0.7 ? "met" : "not met"})`,
);
