/**
 * `wirewhy analyze A.pcap B.pcap …` or a directory: the files, analyzed in worker threads (one per
 * core, at most MAX_JOBS, never more than the files), merged into one Analyses
 * (src/diagnose/analyses.ts). Each worker takes the next file when it is done with one, so a large
 * file does not hold the small ones back. A file that cannot be read is an error for that file;
 * the others are analyzed all the same. With one job the files are read in this thread, one after
 * the other.
 */
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { STDIN_SOURCE } from "../capture/index.ts";
import type { AnalysesError } from "../diagnose/analyses.ts";
import type { Analysis } from "../diagnose/types.ts";
import { type AnalyzeJob, type JobOptions, runJob, type WorkerReply } from "./analyze-jobs.ts";
import { UsageError } from "./input.ts";
import { measurableBytes, ProgressBar } from "./progress.ts";

/** Workers at most, whatever the cores: each holds its own analysis state (~150-300 MB at worst). */
export const MAX_JOBS = 8;

/** Names a directory's captures go by (the reader detects the format by content, not by name). */
const CAPTURE_NAME = /\.(pcap|pcapng|cap|dmp)(\.gz)?$/i;

export function defaultJobs(): number {
  return Math.max(1, Math.min(MAX_JOBS, availableParallelism()));
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files to analyze: each argument, a directory standing for the captures directly in it (by
 * name: CAPTURE_NAME, sorted). A directory without any is an error of its own.
 */
export function expandSources(args: string[]): { sources: string[]; errors: AnalysesError[] } {
  const sources: string[] = [];
  const errors: AnalysesError[] = [];
  for (const arg of args) {
    if (arg === STDIN_SOURCE) {
      throw new UsageError('standard input ("-") can only be analyzed on its own');
    }
    if (!isDirectory(arg)) {
      sources.push(arg);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(arg, { withFileTypes: true })
        .filter((entry) => !entry.isDirectory() && CAPTURE_NAME.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ source: arg, code: "WW_ERR_FILE", message: `cannot read ${arg}: ${message}` });
      continue;
    }
    if (names.length === 0) {
      errors.push({
        source: arg,
        code: "WW_ERR_FILE",
        message: `no capture in ${arg} (files named *.pcap, *.pcapng, *.cap, *.dmp, or those .gz)`,
      });
    }
    for (const name of names) sources.push(join(arg, name));
  }
  return { sources, errors };
}

export interface AnalyzeManyOptions {
  options: JobOptions;
  jobs: number;
  progress: boolean;
}

/** Every file's Analysis or error, in the order given. */
export async function analyzeMany(
  sources: string[],
  { options, jobs, progress }: AnalyzeManyOptions,
): Promise<(Analysis | AnalysesError)[]> {
  const results: (Analysis | AnalysesError)[] = new Array(sources.length);
  const bar = progress ? new ProgressBar(sources.map(measurableBytes)) : undefined;
  bar?.draw(true);
  const settle = (reply: Exclude<WorkerReply, { type: "progress" }>): void => {
    const source = sources[reply.index]!;
    results[reply.index] =
      reply.type === "done" ? reply.analysis : { source, code: reply.code, message: reply.message };
    bar?.finish(reply.index, reply.type === "done" ? reply.analysis.capture.packets : undefined);
  };
  const job = (index: number): AnalyzeJob => ({
    index,
    source: sources[index]!,
    options,
    progress: bar !== undefined,
  });
  try {
    const threads = Math.min(jobs, sources.length);
    if (threads <= 1) {
      for (let i = 0; i < sources.length; i++) {
        settle(await runJob(job(i), bar && ((p, o) => bar.update(i, p, o))));
      }
    } else {
      await inWorkers(sources.length, threads, job, settle, bar);
    }
  } finally {
    bar?.clear();
  }
  return results;
}

/** Runs jobs 0..count-1 on `threads` workers; a worker that dies fails its file, not the rest. */
function inWorkers(
  count: number,
  threads: number,
  job: (index: number) => AnalyzeJob,
  settle: (reply: Exclude<WorkerReply, { type: "progress" }>) => void,
  bar: ProgressBar | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let settled = 0;
    const start = (): void => {
      const worker = startWorker();
      let current = -1;
      const give = (): void => {
        if (next < count) {
          current = next++;
          worker.postMessage(job(current));
        } else {
          current = -1;
          worker.postMessage(null);
        }
      };
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "progress") {
          bar?.update(reply.index, reply.packets, reply.offsetBytes);
          return;
        }
        settle(reply);
        if (++settled === count) resolve();
        give();
      });
      worker.on("error", (error) => {
        if (current >= 0) {
          settle({
            type: "error",
            index: current,
            code: "WW_ERR_INTERNAL",
            message: `internal error in the worker: ${error.message}`,
          });
          current = -1;
          if (++settled === count) resolve();
        }
        // The thread is gone: another takes the files left.
        if (next < count) start();
      });
      give();
    };
    for (let i = 0; i < threads; i++) start();
  });
}

/**
 * A worker running analyze-worker beside this module: the bundle's `.cjs` (import.meta.url is the
 * bundle's own, dist/cli/wirewhy.cjs), tsc's `.js`, or the `.ts` source through tsx (a worker
 * does not inherit the main thread's module hooks, so it registers tsx itself).
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const worker = JSON.stringify(new URL("./analyze-worker.ts", here).href);
    const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
    return new Worker(
      `import(${tsx}).then((api) => { api.register(); return import(${worker}); });`,
      { eval: true },
    );
  }
  return new Worker(
    new URL(here.endsWith(".cjs") ? "./analyze-worker.cjs" : "./analyze-worker.js", here),
  );
}
