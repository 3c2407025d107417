/**
 * A Finding: one cause, charged to one layer, with its cost and the evidence that proves it.
 * Plain data (the web UI imports this file), produced by the diagnose rules, by `wirewhy probe`
 * and by `wirewhy host`, and printed by every report. docs/findings.md defines every kind.
 */

export const LAYERS = [
  "client-app",
  "client-os",
  "dns",
  "network",
  "server-os",
  "server-app",
] as const;
export type Layer = (typeof LAYERS)[number];

export type Severity = "info" | "warning" | "error";

export interface FindingEvidence {
  /** 1-based frame numbers, as Wireshark numbers them (the worst occurrences when grouped). */
  frames: number[];
  /** Connection ids (as in `wirewhy conns`), when the finding concerns connections. */
  connections?: number[];
  /** Exchange ids (as in `wirewhy exchanges`), when it concerns requests. */
  exchanges?: number[];
  /** Anything else that proves it: kernel counters, probe timings, socket states. */
  facts?: Record<string, number | string>;
}

export interface Finding {
  /** Stable kebab-case name, e.g. "server-think-time", "accept-queue-overflow". */
  kind: string;
  layer: Layer;
  /** Failures are "error". */
  severity: Severity;
  /** Time this cost, in ms (0 allowed for an instant failure); summed over `count` occurrences. */
  costMs: number;
  title: string;
  /** What happened, in plain words, naming the mechanism. */
  explanation: string;
  /** What to do about it. */
  advice: string;
  /** 0..1: how sure the rule is. */
  confidence: number;
  /** Occurrences grouped into this finding (one kind, one server endpoint). */
  count: number;
  /** The server endpoint the group is about ("10.0.0.2:443"), when there is one. */
  endpoint?: string;
  evidence: FindingEvidence;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Importance order: failures first, then cost. */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.costMs - a.costMs;
}
