/** Milliseconds charged to each layer, summed over exchanges. */
import type { Exchange } from "../exchange/types.ts";
import { LAYERS, type Layer } from "../model/finding.ts";

/** Zero for every layer, in LAYERS order (a literal: one is made per exchange). */
export function emptyLayerTotals(): Record<Layer, number> {
  return {
    "client-app": 0,
    "client-os": 0,
    dns: 0,
    network: 0,
    "server-os": 0,
    "server-app": 0,
  };
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
