/**
 * The tcp stage's public API.
 *
 *   const analyzer = createTcpAnalyzer();
 *   await readCapture(file, (record) => {
 *     decodeRecord(record, view);
 *     const flags = analyzer.onPacket(record, view); // AnalysisFlag bits of this packet
 *   });
 *   const { connections, totals } = analyzer.finish();
 *
 * or, for a file, `await analyzeConnections(file)`.
 */
import { readCapture } from "../capture/index.ts";
import type { CaptureMeta } from "../capture/types.ts";
import { createPacketView, decodeRecord } from "../decode/index.ts";
import { TcpAnalyzer } from "./analyzer.ts";
import type { ConnectionsResult, TcpAnalyzerOptions } from "./types.ts";

export { TcpAnalyzer } from "./analyzer.ts";
export type { ConnState } from "./conn-state.ts";
export {
  ANALYSIS_FLAG_NAMES,
  ANY_RETRANSMISSION,
  AnalysisFlag,
  type AnalysisFlagName,
  analysisFlagNames,
} from "./flags.ts";
export {
  connectionsForMemory,
  DEFAULT_MAX_MEMORY_MB,
  type TcpLimits,
} from "./limits.ts";
export type { RttSummary } from "./rtt-stats.ts";
export * from "./seq32.ts";
export type { SeriesPoints } from "./series.ts";
export * from "./types.ts";

export function createTcpAnalyzer(options: TcpAnalyzerOptions = {}): TcpAnalyzer {
  return new TcpAnalyzer(options);
}

export interface AnalyzeConnectionsOptions extends TcpAnalyzerOptions {
  /** Stop after this many packets. */
  maxPackets?: number;
}

export interface ConnectionsAnalysis extends ConnectionsResult {
  capture: CaptureMeta;
}

/** Reads a capture file (or "-" for standard input) and analyses every TCP connection in it. */
export async function analyzeConnections(
  source: string,
  options: AnalyzeConnectionsOptions = {},
): Promise<ConnectionsAnalysis> {
  const analyzer = new TcpAnalyzer(options);
  const view = createPacketView();
  const capture = await readCapture(
    source,
    (record) => {
      decodeRecord(record, view);
      analyzer.onPacket(record, view);
    },
    options.maxPackets !== undefined ? { maxPackets: options.maxPackets } : {},
  );
  return { ...analyzer.finish(), capture };
}
