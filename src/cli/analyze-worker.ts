/**
 * A worker thread of `wirewhy analyze A.pcap B.pcap …` (analyze-many.ts starts one per core): it
 * analyzes the files the main thread sends it, one at a time, and answers each with its Analysis
 * or its error, and with progress messages while it reads when asked; `null` ends it. Runs from
 * the sources (through tsx), from tsc's dist/cli/analyze-worker.js and from the bundle's
 * dist/cli/analyze-worker.cjs (scripts/bundle-cli.ts).
 */
import { parentPort } from "node:worker_threads";
import { type AnalyzeJob, runJob, type WorkerReply } from "./analyze-jobs.ts";

const port = parentPort;
if (port === null) throw new Error("analyze-worker runs as a worker thread");

port.on("message", (job: AnalyzeJob | null) => {
  if (job === null) {
    port.close();
    return;
  }
  const progress = job.progress
    ? (packets: number, offsetBytes: number) =>
        port.postMessage({
          type: "progress",
          index: job.index,
          packets,
          offsetBytes,
        } satisfies WorkerReply)
    : undefined;
  void runJob(job, progress).then((reply) => port.postMessage(reply));
});
