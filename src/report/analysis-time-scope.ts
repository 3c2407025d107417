/**
 * What "Time by layer" adds up, in words: the exchanges, and the failed connection attempts whose
 * waiting it also counts ("over 0 exchanges and 3 failed connection attempts").
 */
import type { AnalysisSummary } from "../diagnose/types.ts";
import { formatCount } from "./units.ts";

export function timeScopeText(summary: AnalysisSummary): string {
  const exchanges = `${formatCount(summary.exchanges)} ${summary.exchanges === 1 ? "exchange" : "exchanges"}`;
  if (!(summary.failedConnectionsMs > 0)) return exchanges;
  const attempts = summary.failedConnections;
  return `${exchanges} and ${formatCount(attempts)} failed connection ${attempts === 1 ? "attempt" : "attempts"}`;
}
