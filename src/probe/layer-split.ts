/**
 * Charges each millisecond of one probe run to a layer (docs/design.md's layer model), seen from
 * the client:
 *
 * - DNS → dns.
 * - TCP connect (every attempt) → network: a handshake is one round trip.
 * - TLS → network for its round trips (1 for TLS 1.3 or a resumed session, RFC 8446 §2;
 *   2 for a full TLS 1.2 handshake, RFC 5246 §7.3), capped at the phase; the rest → server-app
 *   (the server's handshake work: key exchange, signing, its queueing).
 * - send → client-app (our own time to hand the request to the kernel).
 * - wait → network for one RTT (request out, first byte back), the rest → server-app: the
 *   server's think time, as DESIGN.md's client-vantage arithmetic says.
 * - download → network (transfer); a client cannot tell a slow path from a server that produces
 *   its body slowly (a capture can).
 * - the phase a run failed in → the failure's layer.
 *
 * The parts sum to totalMs.
 */
import { LAYERS, type Layer } from "../model/finding.ts";
import type { ProbeRun } from "./types.ts";

export function emptyLayers(): Record<Layer, number> {
  const layers = {} as Record<Layer, number>;
  for (const layer of LAYERS) layers[layer] = 0;
  return layers;
}

export function tlsRoundTrips(version: string | null, resumed: boolean): number {
  return version === "TLSv1.3" || resumed ? 1 : 2;
}

export function splitRunByLayer(run: ProbeRun): Record<Layer, number> {
  const layers = emptyLayers();
  const p = run.phases;
  const rtt = run.rttMs ?? 0;
  const failedPhase = run.failure?.phase;
  const charge = (layer: Layer, ms: number | null) => {
    if (ms !== null && ms > 0) layers[layer] += ms;
  };
  const failedIn = (phase: string, ms: number | null): boolean => {
    if (failedPhase !== phase || run.failure === null) return false;
    charge(run.failure.layer, ms);
    return true;
  };
  if (!failedIn("dns", p.dnsMs)) charge("dns", p.dnsMs);
  if (!failedIn("connect", p.connectMs)) charge("network", p.connectMs);
  if (!failedIn("tls", p.tlsMs) && p.tlsMs !== null && p.tlsMs > 0) {
    const rounds = run.tls ? tlsRoundTrips(run.tls.version, run.tls.resumed) : 1;
    const network = Math.min(p.tlsMs, rounds * rtt);
    charge("network", network);
    charge("server-app", p.tlsMs - network);
  }
  if (!failedIn("send", p.sendMs)) charge("client-app", p.sendMs);
  if (!failedIn("wait", p.waitMs) && p.waitMs !== null) {
    const network = Math.min(p.waitMs, rtt);
    charge("network", network);
    charge("server-app", p.waitMs - network);
  }
  if (!failedIn("download", p.downloadMs)) charge("network", p.downloadMs);
  return layers;
}
