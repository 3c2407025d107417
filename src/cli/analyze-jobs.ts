/**
 * What the main thread and the worker threads of `wirewhy analyze A.pcap B.pcap …` say to each
 * other (analyze-many.ts, analyze-worker.ts), and the one job both run: a file in, its Analysis
 * or its error out.
 */
import type { AnalysesError } from "../diagnose/analyses.ts";
import { analyzeCapture } from "../diagnose/analyze-capture.ts";
import type { Analysis, AnalyzeOptions } from "../diagnose/types.ts";

/** The options a job takes across a thread boundary (no callbacks). */
export type JobOptions = Pick<AnalyzeOptions, "all" | "slowest" | "maxPackets">;

export interface AnalyzeJob {
  /** The file's place in the list given. */
  index: number;
  source: string;
  options: JobOptions;
  /** Send progress messages while reading. */
  progress: boolean;
}

export type WorkerReply =
  | { type: "progress"; index: number; packets: number; offsetBytes: number }
  | { type: "done"; index: number; analysis: Analysis }
  | { type: "error"; index: number; code: string; message: string };

/** Analyzes one file; never throws: what cannot be read is an error reply. */
export async function runJob(
  job: AnalyzeJob,
  onProgress?: (packets: number, offsetBytes: number) => void,
): Promise<Exclude<WorkerReply, { type: "progress" }>> {
  try {
    const analysis = await analyzeCapture(job.source, {
      ...job.options,
      ...(onProgress !== undefined ? { onProgress } : {}),
    });
    return { type: "done", index: job.index, analysis };
  } catch (error) {
    return { type: "error", index: job.index, ...errorFields(job.source, error) };
  }
}

/** A stable code for the user's input (WW_ERR_*), WW_ERR_INTERNAL for anything else (a bug). */
export function errorFields(source: string, error: unknown): Omit<AnalysesError, "source"> {
  const err = error as { code?: unknown; message?: unknown; stack?: unknown };
  const message = err && typeof err.message === "string" ? err.message : String(error);
  if (err && typeof err.code === "string" && err.code.startsWith("WW_ERR_")) {
    return { code: err.code, message };
  }
  const detail = process.env.WIREWHY_DEBUG && typeof err?.stack === "string" ? err.stack : message;
  return { code: "WW_ERR_INTERNAL", message: `${source}: internal error: ${detail}` };
}
