/**
 * The exchange stage's default charging: which layers each phase's milliseconds go to, before the
 * diagnose stage re-charges what a finding proves (docs/exchanges.md, "Charging").
 *
 * - dns → dns; client-gap, idle → client-app.
 * - request, response → network: a message's first → last byte is its transfer, paced by the path
 *   (round trips of the congestion window, serialization, loss recovery). The diagnose stage moves
 *   to the sender's app the gaps where it sat idle with everything acknowledged and the window
 *   open (sender-idle.ts: slow-request-body, slow-response-body), and to the receiver's app the
 *   time its closed or small window held the sender (zero-window, receive-window-limited).
 * - connect → network, except the wait caused by SYN retries: a SYN answered only after a retry
 *   was most likely dropped by a full accept or SYN queue (the kernel drops it silently, the
 *   client's retry timer resends it), so that wait goes to server-os; a SYN never answered is a
 *   path or firewall problem as far as the capture can tell: network.
 * - tls → one RTT of network per handshake round trip (each server flight the client waits for
 *   crosses the path once each way), the rest server-app (key exchange, certificate signing),
 *   except the time after the server's last handshake flight, while the server waits for the
 *   client (its Finished, its first request, or its close): client-app (tlsClientMs; less one RTT
 *   unless the capture is at the client, where that gap holds no propagation).
 * - wait → by vantage. At a client-side capture the last request byte → first response byte
 *   includes one RTT of propagation (../shared/DESIGN.md, "The vantage point decides the
 *   arithmetic"): min(wait, RTT) to network, the rest to server-app, RTT being the request's own
 *   ACK round trip when that shows the path grew slower than at the handshake. A server-side or loopback
 *   capture sees the server's time alone: all server-app. A middle or unknown vantage is charged
 *   like a client-side one (the larger network share: the server is not blamed for the path).
 */
import type { Layer } from "../model/finding.ts";
import type { VantageKind } from "../tcp/types.ts";
import type { Phase } from "./types.ts";

/**
 * The longest an ACK is commonly delayed: Linux's TCP_DELACK_MAX (HZ/5 = 200 ms) and Windows'
 * 200 ms default (RFC 9293 §3.8.6.3 allows up to 500 ms; no common stack uses that).
 */
export const DELAYED_ACK_MAX_MS = 200;

/** What the charges of one exchange's phases depend on. */
export interface ChargeContext {
  vantage: VantageKind;
  /** Round trip in ms (the handshake's iRTT, else the least data→ACK RTT); 0 when unknown. */
  rttMs: number;
  /**
   * The round trip inside this exchange's wait: rttMs, or the request's own ACK round trip when
   * that proves the path had grown slower (connection-exchanges.ts, requestAckRttMs).
   */
  waitRttMs: number;
  /** First SYN → the SYN that was answered (0 without retries). */
  synRetryWaitMs: number;
  /** A SYN/ACK answered some SYN. */
  synAnswered: boolean;
  /** TLS server flights the client waited for. */
  tlsRoundTrips: number;
  /**
   * Of the tls phase, the end the client spent after the server's last handshake flight (0 when
   * none): the server was waiting for the client.
   */
  tlsClientMs: number;
}

/** Sub-nanosecond noise from float subtraction is not worth a second layer. */
const NEGLIGIBLE_MS = 1e-9;

/**
 * `{ [layer]: ms }`, written out per layer: a computed key makes V8 build the object through its
 * runtime (~8x slower), and every phase of every exchange gets one.
 */
function chargeOf(layer: Layer, ms: number): Partial<Record<Layer, number>> {
  switch (layer) {
    case "client-app":
      return { "client-app": ms };
    case "client-os":
      return { "client-os": ms };
    case "dns":
      return { dns: ms };
    case "network":
      return { network: ms };
    case "server-os":
      return { "server-os": ms };
    case "server-app":
      return { "server-app": ms };
  }
}

/**
 * Fills `phase.charges` and `phase.layer`. The split is `first` up to `firstMs`, the rest to
 * `rest`; values sum to durationMs exactly (the rest is computed as a difference).
 */
function split(phase: Phase, first: Layer, firstMs: number, rest: Layer): void {
  const d = phase.durationMs;
  // To the nanosecond, like every time of the stage.
  const a = firstMs <= 0 ? 0 : Math.round(Math.min(firstMs, d) * 1e6) / 1e6;
  const b = Math.round((d - a) * 1e6) / 1e6;
  if (first === rest || b <= NEGLIGIBLE_MS) {
    phase.charges = chargeOf(first, d);
    phase.layer = first;
    return;
  }
  if (a <= NEGLIGIBLE_MS) {
    phase.charges = chargeOf(rest, d);
    phase.layer = rest;
    return;
  }
  const charges = chargeOf(first, a);
  charges[rest] = b;
  phase.charges = charges;
  phase.layer = a >= b ? first : rest;
}

/**
 * The tls phase: the client's own end (tlsClientMs) to client-app, then one RTT per round trip
 * to the network, the rest to server-app. Sums to durationMs exactly.
 */
function chargeTls(phase: Phase, ctx: ChargeContext): void {
  const d = phase.durationMs;
  const clientMs = Math.round(Math.max(0, Math.min(ctx.tlsClientMs, d)) * 1e6) / 1e6;
  if (clientMs <= NEGLIGIBLE_MS) {
    split(phase, "network", ctx.rttMs * ctx.tlsRoundTrips, "server-app");
    return;
  }
  // The rest of the phase, charged as a phase of its own, then the client's share added.
  const rest: Phase = { ...phase, durationMs: Math.round((d - clientMs) * 1e6) / 1e6 };
  split(rest, "network", ctx.rttMs * ctx.tlsRoundTrips, "server-app");
  const charges = rest.durationMs > NEGLIGIBLE_MS ? rest.charges : {};
  const others = Object.values(charges).reduce((sum, ms) => sum + (ms ?? 0), 0);
  charges["client-app"] = Math.round((d - others) * 1e6) / 1e6;
  phase.charges = charges;
  let layer: Layer = "client-app";
  for (const [name, ms] of Object.entries(charges) as [Layer, number][]) {
    if (ms > (charges[layer] ?? 0)) layer = name;
  }
  phase.layer = layer;
}

export function chargePhase(phase: Phase, ctx: ChargeContext): void {
  switch (phase.name) {
    case "dns":
      split(phase, "dns", phase.durationMs, "dns");
      return;
    case "client-gap":
    case "idle":
      split(phase, "client-app", phase.durationMs, "client-app");
      return;
    case "request":
    case "response":
      split(phase, "network", phase.durationMs, "network");
      return;
    case "connect":
      split(phase, ctx.synAnswered ? "server-os" : "network", ctx.synRetryWaitMs, "network");
      return;
    case "tls":
      chargeTls(phase, ctx);
      return;
    case "wait":
      if (ctx.vantage === "server-side" || ctx.vantage === "loopback") {
        split(phase, "server-app", phase.durationMs, "server-app");
      } else {
        split(phase, "network", ctx.waitRttMs, "server-app");
      }
      return;
  }
}
