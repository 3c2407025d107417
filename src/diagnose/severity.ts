/**
 * How costly an occurrence or a group must be before it is more than information. Failures are
 * always errors (DESIGN.md, "The layer model"); a cost is a warning from WARNING_COST_MS on.
 */
import type { Severity } from "../model/finding.ts";

/**
 * 100 ms: the delay at which a user starts to perceive an interaction as not instantaneous
 * (Nielsen, "Response Times: The 3 Important Limits", 1993; RAIL's 100 ms response budget).
 * Below it a cost is reported as information.
 */
export const WARNING_COST_MS = 100;

/** The severity of a cost: "error" for failures, "warning" from WARNING_COST_MS, else "info". */
export function severityForCost(costMs: number, failure: boolean): Severity {
  if (failure) return "error";
  return costMs >= WARNING_COST_MS ? "warning" : "info";
}
