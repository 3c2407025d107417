/**
 * analyzeCapture: a capture file in, the verdict out (Analysis, schema wirewhy.analysis/1). One
 * pass (src/exchange runPass) with the diagnose stage as its observer; memory follows the open
 * connections and the `slowest` exchanges kept, not the capture's size (unless `all`).
 */
import { runPass } from "../exchange/pass.ts";
import { connectionsForMemory, DEFAULT_MAX_MEMORY_MB } from "../tcp/limits.ts";
import { analysisAssumptions } from "./assumptions.ts";
import { Diagnosis } from "./diagnosis.ts";
import { headline } from "./headline.ts";
import { roundMs } from "./ms-text.ts";
import {
  ANALYSIS_SCHEMA,
  type Analysis,
  type AnalysisLimits,
  type AnalyzeOptions,
} from "./types.ts";

/** Exchanges listed by default (issue 5: "the slowest 100 by default"). */
export const DEFAULT_SLOWEST = 100;

export async function analyzeCapture(
  source: string,
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const keep =
    options.all === true ? Number.POSITIVE_INFINITY : (options.slowest ?? DEFAULT_SLOWEST);
  const diagnosis = new Diagnosis({
    keepExchanges: keep,
    ...(options.clientPorts !== undefined ? { clientPorts: new Set(options.clientPorts) } : {}),
  });
  const maxMemoryMB = options.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB;
  const maxConnections = Math.min(
    options.maxConnections ?? Number.POSITIVE_INFINITY,
    connectionsForMemory(maxMemoryMB),
  );
  const result = await runPass(source, {
    observers: [diagnosis],
    maxConnections,
    // The diagnosis takes each summary as the tcp stage finishes it; none is needed afterwards.
    keepConnections: false,
    ...(options.maxPackets !== undefined ? { maxPackets: options.maxPackets } : {}),
    ...(options.dnsPorts !== undefined ? { dnsPorts: options.dnsPorts } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  const vantage = result.totals.vantage;
  const { findings, slowExchanges } = diagnosis.finish(
    vantage.kind === "unknown" ? 0 : vantage.confidence,
  );
  const capture = result.capture;
  const partial = capture.stoppedEarly;
  const exchanges = diagnosis.slowest.sorted();
  const failures = diagnosis.failedExchanges + diagnosis.failedConnections;
  const tcpLimits = result.totals.limits;
  const limits: AnalysisLimits | undefined =
    tcpLimits === undefined
      ? undefined
      : {
          maxConnections: tcpLimits.maxConnections,
          maxMemoryMB,
          evictedConnections: tcpLimits.evictedConnections,
          evictedHalfOpen: tcpLimits.evictedHalfOpen,
          firstEvictionMs: tcpLimits.firstEvictionMs,
          lastEvictionMs: tcpLimits.lastEvictionMs,
          droppedTombstones: tcpLimits.droppedTombstones,
          incompleteKinds: diagnosis.connectionKinds(),
        };
  const byLayer = diagnosis.byLayer;
  for (const layer of Object.keys(byLayer) as (keyof typeof byLayer)[]) {
    byLayer[layer] = roundNs(byLayer[layer]);
  }
  return {
    schema: ANALYSIS_SCHEMA,
    capture: {
      source: capture.source,
      format: capture.format,
      packets: capture.packets,
      first: Number.isNaN(diagnosis.firstEpochMs) ? null : isoTime(diagnosis.firstEpochMs),
      last: Number.isNaN(diagnosis.lastEpochMs) ? null : isoTime(diagnosis.lastEpochMs),
      durationMs: roundMs(diagnosis.lastTimeMs),
      warnings: capture.warnings,
      partial,
      ...(limits !== undefined ? { limits } : {}),
    },
    vantage,
    summary: {
      connections: diagnosis.connections,
      exchanges: diagnosis.exchanges,
      slowExchanges,
      failures,
      failedConnections: diagnosis.failedConnections,
      failedConnectionsMs: roundNs(diagnosis.failedConnectionsMs),
      totalMs: roundNs(diagnosis.totalMs),
      byLayer,
      headline: headline({
        exchanges: diagnosis.exchanges,
        slowExchanges,
        failures,
        failedConnections: diagnosis.failedConnections,
        resetExchanges: diagnosis.resetExchanges,
        unansweredExchanges: diagnosis.failedExchanges - diagnosis.resetExchanges,
        findings,
      }),
    },
    exchanges,
    exchangesOmitted: diagnosis.exchanges - exchanges.length,
    findings,
    assumptions: analysisAssumptions(vantage, partial),
  };
}

function isoTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

/** Sums to the nanosecond, like the exchange stage's charges. */
function roundNs(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}
