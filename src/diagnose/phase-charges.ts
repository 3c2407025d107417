/** Reading an exchange's phase charges. */
import type { Exchange, Phase, PhaseName } from "../exchange/types.ts";
import type { Layer } from "../model/finding.ts";

export function findPhase(exchange: Exchange, name: PhaseName): Phase | undefined {
  for (const phase of exchange.phases) if (phase.name === name) return phase;
  return undefined;
}

/** Milliseconds of the named phases charged to `layer`. */
export function chargedMs(exchange: Exchange, names: readonly PhaseName[], layer: Layer): number {
  let ms = 0;
  for (const phase of exchange.phases) {
    if (names.includes(phase.name)) ms += phase.charges[layer] ?? 0;
  }
  return ms;
}

/** "GET /slow", the TLS server name, or the DNS name: how a finding names a request. */
export function requestLabel(exchange: Exchange): string {
  const r = exchange.request;
  if (r.method !== "") return `${r.method} ${r.target}`;
  return r.target !== "" ? r.target : `${exchange.protocol} exchange ${exchange.id}`;
}
