/**
 * Timing one command the way the benchmarks do: right after an untimed read of the capture (the
 * page cache: a kernel that pages out memory left untouched for a while, as DAMON's pageout
 * scheme does here after 60 s, would otherwise make a run read part of the file from disk), wall
 * time and peak RSS from GNU time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Timing {
  seconds: number;
  rssMB: number;
}

const timeFile = join(tmpdir(), `wirewhy-bench-${process.pid}.time`);
process.once("exit", () => rmSync(timeFile, { force: true }));

/** Runs `argv` once; exits the process with a message when the command fails. */
export function timeCommand(
  name: string,
  capture: string,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Timing {
  execFileSync("sh", ["-c", `cat '${capture}' > /dev/null`]);
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, ...argv], {
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 1e8,
    env,
  });
  if (run.status !== 0) {
    console.error(`bench: ${name} failed (${run.status}): ${run.stderr.toString().slice(0, 500)}`);
    process.exit(1);
  }
  const [elapsed, maxKb] = readFileSync(timeFile, "utf8")
    .trim()
    .split("\n")
    .pop()!
    .split(" ")
    .map(Number);
  return { seconds: elapsed!, rssMB: maxKb! / 1024 };
}

export const median = (values: readonly number[]): number =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
