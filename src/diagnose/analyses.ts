/**
 * Many captures, one report (`wirewhy analyze A.pcap B.pcap …`, schema wirewhy.analyses/1): every
 * capture's own Analysis, unchanged and in the order given, the files that could not be read, and
 * a summary whose counts are the sums of the captures' own. Additive: a single file keeps
 * printing its Analysis (wirewhy.analysis/1).
 */
import { compareFindings, type Finding, LAYERS, type Layer } from "../model/finding.ts";
import { headline } from "./headline.ts";
import { plural } from "./ms-text.ts";
import type { Analysis } from "./types.ts";

export const ANALYSES_SCHEMA = "wirewhy.analyses/1";

/** A file that could not be analyzed at all (no such file, not a capture, empty). */
export interface AnalysesError {
  source: string;
  /** The stable error code (`WW_ERR_FILE`, `WW_ERR_FORMAT`, …), `WW_ERR_INTERNAL` for a bug. */
  code: string;
  message: string;
}

/** One finding kind over every capture. */
export interface AnalysesFindingKind {
  kind: string;
  layer: Layer;
  severity: Finding["severity"];
  /** Captures with at least one finding of the kind. */
  captures: number;
  /** Findings of the kind (one per kind and server endpoint in each capture). */
  findings: number;
  /** Occurrences grouped into them (the sum of their `count`). */
  count: number;
  /** The sum of their `costMs`. */
  costMs: number;
}

export interface AnalysesSummary {
  /** Files given (a directory counts its captures). */
  captures: number;
  analyzed: number;
  /** Files in `errors`. */
  unreadable: number;
  /** Analyzed captures whose reading stopped at damage (`capture.partial`). */
  partial: number;
  packets: number;
  connections: number;
  exchanges: number;
  slowExchanges: number;
  failures: number;
  failedConnections: number;
  failedConnectionsMs: number;
  totalMs: number;
  byLayer: Record<Layer, number>;
  /** The findings of every capture by kind, in importance order of each kind's worst finding. */
  findingKinds: AnalysesFindingKind[];
  headline: string;
}

export interface Analyses {
  schema: typeof ANALYSES_SCHEMA;
  captures: Analysis[];
  errors: AnalysesError[];
  summary: AnalysesSummary;
}

export function mergeAnalyses(captures: Analysis[], errors: AnalysesError[] = []): Analyses {
  const byLayer = Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<Layer, number>;
  const sums = {
    packets: 0,
    connections: 0,
    exchanges: 0,
    slowExchanges: 0,
    failures: 0,
    failedConnections: 0,
    failedConnectionsMs: 0,
    totalMs: 0,
  };
  const kinds = new Map<string, AnalysesFindingKind & { worst: Finding }>();
  const findings: Finding[] = [];
  let partial = 0;
  for (const analysis of captures) {
    const s = analysis.summary;
    sums.packets += analysis.capture.packets;
    sums.connections += s.connections;
    sums.exchanges += s.exchanges;
    sums.slowExchanges += s.slowExchanges;
    sums.failures += s.failures;
    sums.failedConnections += s.failedConnections;
    sums.failedConnectionsMs += s.failedConnectionsMs;
    sums.totalMs += s.totalMs;
    for (const layer of LAYERS) byLayer[layer] += s.byLayer[layer] ?? 0;
    if (analysis.capture.partial) partial++;
    const seen = new Set<string>();
    for (const finding of analysis.findings) {
      findings.push(finding);
      let kind = kinds.get(finding.kind);
      if (kind === undefined) {
        kind = {
          kind: finding.kind,
          layer: finding.layer,
          severity: finding.severity,
          captures: 0,
          findings: 0,
          count: 0,
          costMs: 0,
          worst: finding,
        };
        kinds.set(finding.kind, kind);
      }
      if (!seen.has(finding.kind)) kind.captures++;
      seen.add(finding.kind);
      kind.findings++;
      kind.count += finding.count;
      kind.costMs += finding.costMs;
      if (compareFindings(finding, kind.worst) < 0) kind.worst = finding;
    }
  }
  findings.sort(compareFindings);
  for (const layer of LAYERS) byLayer[layer] = roundNs(byLayer[layer]);
  const findingKinds = [...kinds.values()]
    .sort((a, b) => compareFindings(a.worst, b.worst))
    .map(({ worst: _, ...kind }) => ({ ...kind, costMs: roundNs(kind.costMs) }));
  const verdict = headline({ ...sums, findings });
  const files =
    errors.length > 0
      ? `${plural(captures.length, "capture")} (${errors.length} more unreadable)`
      : plural(captures.length, "capture");
  return {
    schema: ANALYSES_SCHEMA,
    captures,
    errors,
    summary: {
      captures: captures.length + errors.length,
      analyzed: captures.length,
      unreadable: errors.length,
      partial,
      ...sums,
      failedConnectionsMs: roundNs(sums.failedConnectionsMs),
      totalMs: roundNs(sums.totalMs),
      byLayer,
      findingKinds,
      headline: `${files}: ${verdict}`,
    },
  };
}

/** Sums to the nanosecond, as each Analysis rounds its own. */
function roundNs(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}
