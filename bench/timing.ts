/**
 * Timing one command the way the benchmarks do: right after an untimed read of the capture (the
 * page cache: a kernel that pages out memory left untouched for a while, as DAMON's pageout
 * scheme does here after 60 s, would otherwise make a run read part of the file from disk), wall
 * time and peak RSS from GNU time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
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

export interface BoundedTiming extends Timing {
  /** User + system CPU seconds: less sensitive than wall time to other load on the machine. */
  cpuSeconds: number;
  /** "ok": exit 0; "timeout": stopped at the limit; "failed": any other exit (the code in `status`). */
  outcome: "ok" | "timeout" | "failed";
  status: number | null;
  stderr: string;
}

/**
 * Runs `argv` once as timeCommand does, killed after `limitSec` (GNU timeout inside GNU time, so
 * the peak RSS is the command's: --foreground makes timeout signal only the command and stay to
 * reap it, where killing its whole process group would kill timeout too and lose the command's
 * RSS); never exits: a command that fails or runs out of time is reported as such. stdout goes to
 * `stdoutPath` (default /dev/null).
 */
export function timeCommandBounded(
  capture: string,
  argv: string[],
  limitSec: number,
  env: NodeJS.ProcessEnv = process.env,
  stdoutPath = "/dev/null",
): BoundedTiming {
  execFileSync("sh", ["-c", `cat '${capture}' > /dev/null`]);
  const out = openSync(stdoutPath, "w");
  try {
    const run = spawnSync(
      "/usr/bin/time",
      [
        "-f",
        "%e %M %U %S",
        "-o",
        timeFile,
        ...["timeout", "--foreground", "-s", "KILL"],
        String(limitSec),
        ...argv,
      ],
      { stdio: ["ignore", out, "pipe"], maxBuffer: 1e8, env },
    );
    const [elapsed, maxKb, user, sys] = readFileSync(timeFile, "utf8")
      .trim()
      .split("\n")
      .pop()!
      .split(" ")
      .map(Number);
    // timeout exits 137 when it killed the command (128 + SIGKILL); a command the kernel killed
    // (out of memory) shows as a signal too, so the elapsed time tells the two apart.
    const outcome =
      run.status === 0 ? "ok" : run.status === 137 && elapsed! >= limitSec ? "timeout" : "failed";
    return {
      seconds: elapsed!,
      rssMB: maxKb! / 1024,
      cpuSeconds: user! + sys!,
      outcome,
      status: run.status,
      stderr: run.stderr.toString().slice(0, 2000),
    };
  } finally {
    closeSync(out);
  }
}
