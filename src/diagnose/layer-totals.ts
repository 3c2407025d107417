/** Milliseconds charged to each layer, summed over exchanges. */
import type { Exchange } from "../exchange/types.ts";
import { LAYERS, type Layer } from "../model/finding.ts";

export function emptyLayerTotals(): Record<Layer, number> {
  const out = {} as Record<Layer, number>;
  for (const layer of LAYERS) out[layer] = 0;
  return out;
}

/** Adds the exchange's phase charges to `totals`; returns the exchange's own sum. */
export function addExchangeCharges(totals: Record<Layer, number>, exchange: Exchange): number {
  let sum = 0;
  for (const phase of exchange.phases) {
    for (const layer of LAYERS) {
      const ms = phase.charges[layer];
      if (ms === undefined) continue;
      totals[layer] += ms;
      sum += ms;
    }
  }
  return sum;
}
