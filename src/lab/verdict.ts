/**
 * The one adapter between the labs and the analysis: every lab's verdict goes through
 * `analyzeLabCapture`, which runs `wirewhy analyze`'s engine (analyzeCapture) on the lab's capture
 * and returns its findings in importance order; judgeVerdict compares the first with the lab's
 * known cause.
 */
import { analyzeCapture } from "../diagnose/analyze-capture.ts";
import type { Finding, Layer } from "../model/finding.ts";

export type LabVerdict =
  | { status: "unavailable"; reason: string }
  | { status: "analyzed"; findings: Finding[] };

/**
 * The analysis of a lab's capture. A capture the analysis cannot read at all (the reader throws:
 * no packets, not a capture) is "unavailable" with the reason, so the lab reports it instead of
 * crashing.
 */
export async function analyzeLabCapture(capturePath: string): Promise<LabVerdict> {
  try {
    const analysis = await analyzeCapture(capturePath, { slowest: 0 });
    return { status: "analyzed", findings: analysis.findings };
  } catch (error) {
    return {
      status: "unavailable",
      reason: `the analysis failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
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
