/**
 * The one adapter between the labs and the analysis: every lab's verdict goes through
 * `analyzeLabCapture`. The analysis that produces Findings (`wirewhy analyze`: the exchange and
 * diagnose stages) has not landed yet, so for now it answers "unavailable"; when it lands, only
 * this file changes: call it on the capture and return its findings in importance order.
 */
import type { Finding, Layer } from "../model/finding.ts";

export type LabVerdict =
  | { status: "unavailable"; reason: string }
  | { status: "analyzed"; findings: Finding[] };

export const ANALYSIS_UNAVAILABLE_REASON =
  "analysis not available yet: the stages that turn a capture into findings (exchange, diagnose) have not landed";

export async function analyzeLabCapture(_capturePath: string): Promise<LabVerdict> {
  return { status: "unavailable", reason: ANALYSIS_UNAVAILABLE_REASON };
}

/** What `--json` prints as `got`: the first finding, or null when there is none to compare. */
export interface LabGot {
  layer: Layer;
  kind: string;
  costMs: number;
}

export interface LabExpected {
  layer: Layer;
  kind: string;
  /** When the lab knows what the cause cost (e.g. its handler's sleep × requests). */
  costMs?: number;
  toleranceMs?: number;
}

/**
 * The lab passes when the first finding (the most important) names the lab's layer and kind, and,
 * when the lab knows the cost, states it within tolerance.
 */
export function judgeVerdict(
  expected: LabExpected,
  verdict: LabVerdict,
): { passed: boolean; got: LabGot | null } {
  if (verdict.status !== "analyzed") return { passed: false, got: null };
  const first = verdict.findings[0];
  if (first === undefined) return { passed: false, got: null };
  const got: LabGot = { layer: first.layer, kind: first.kind, costMs: first.costMs };
  const costOk =
    expected.costMs === undefined ||
    Math.abs(first.costMs - expected.costMs) <= (expected.toleranceMs ?? 0);
  return {
    passed: first.layer === expected.layer && first.kind === expected.kind && costOk,
    got,
  };
}
