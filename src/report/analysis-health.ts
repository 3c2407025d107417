/**
 * When the analyze reports stay quiet: no finding of severity warning or error and no failure.
 * Informational findings alone do not make a capture unhealthy.
 */
import type { Analysis } from "../diagnose/types.ts";

export function analysisIsHealthy(analysis: Analysis): boolean {
  if (analysis.summary.failures > 0) return false;
  return analysis.findings.every((finding) => finding.severity === "info");
}
