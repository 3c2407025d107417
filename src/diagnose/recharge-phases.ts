/**
 * Re-charging an exchange's phases with what the rules proved. Each proven interval moves the
 * milliseconds of a phase that it overlaps to its layer, taken from the phase's other layers
 * (largest charge first), so a phase's charges still sum to its duration and an exchange's layer
 * totals to the exchange's duration (DESIGN.md: every millisecond is charged to exactly one layer).
 */
import type { Exchange, Phase } from "../exchange/types.ts";
import { LAYERS, type Layer } from "../model/finding.ts";
import type { ProvenInterval } from "./proven-intervals.ts";

/**
 * Applies every interval (from index `from` on: those before it are known to end before the
 * exchange's first phase) to every phase it overlaps. Returns true when a charge changed.
 */
export function rechargeExchange(
  exchange: Exchange,
  intervals: readonly ProvenInterval[],
  from = 0,
): boolean {
  let changed = false;
  for (const phase of exchange.phases) {
    const phaseEndMs = phase.startMs + phase.durationMs;
    for (let i = from; i < intervals.length; i++) {
      const interval = intervals[i]!;
      if (interval.phase !== undefined && interval.phase !== phase.name) continue;
      const overlapMs =
        Math.min(phaseEndMs, interval.endMs) - Math.max(phase.startMs, interval.startMs);
      if (overlapMs > 0 && moveCharge(phase, interval.layer, overlapMs)) changed = true;
    }
  }
  return changed;
}

/** Moves up to `ms` of the phase's other layers' charges to `layer`. */
export function moveCharge(phase: Phase, layer: Layer, ms: number): boolean {
  const charges = phase.charges;
  let wanted = Math.min(ms, phase.durationMs - (charges[layer] ?? 0));
  if (!(wanted > 0)) return false;
  let moved = 0;
  while (wanted > 1e-9) {
    let donor: Layer | undefined;
    let donorMs = 0;
    for (const other of LAYERS) {
      if (other === layer) continue;
      const value = charges[other] ?? 0;
      if (value > donorMs) {
        donor = other;
        donorMs = value;
      }
    }
    if (donor === undefined) break;
    const take = Math.min(donorMs, wanted);
    if (take >= donorMs) delete charges[donor];
    else charges[donor] = donorMs - take;
    wanted -= take;
    moved += take;
  }
  if (moved <= 0) return false;
  charges[layer] = (charges[layer] ?? 0) + moved;
  settleCharges(phase);
  return true;
}

/**
 * Makes the charges sum to the duration exactly (floating-point residue goes to the largest
 * charge) and names the phase's layer after the largest charge.
 */
export function settleCharges(phase: Phase): void {
  let sum = 0;
  let top: Layer | undefined;
  let topMs = -1;
  for (const layer of LAYERS) {
    const value = phase.charges[layer];
    if (value === undefined) continue;
    sum += value;
    if (value > topMs) {
      topMs = value;
      top = layer;
    }
  }
  if (top === undefined) return;
  phase.charges[top] = topMs + (phase.durationMs - sum);
  phase.layer = top;
}
