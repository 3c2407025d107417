/**
 * The round trips an exchange paid to the path, shared by the two rules that report them
 * (network-round-trips for an ordinary path, high-latency-path for one slower than any
 * terrestrial path should be), so that one exchange's propagation is told once.
 */
import type { Exchange } from "../exchange/types.ts";
import { chargedMs, findPhase } from "./phase-charges.ts";

/**
 * 300 ms: twice ITU-T G.114's 150 ms one-way delay, the bound below which "most applications,
 * both speech and non-speech, will experience essentially transparent interactivity". Fibre
 * halfway round the Earth is ~200 ms RTT; beyond 300 ms the path itself is the problem (a
 * satellite hop, a congested or overfull queue, a detour through a far region or VPN).
 */
export const HIGH_RTT_MS = 300;

/**
 * The path's round trip as this exchange saw it: the larger of the handshake's RTT and the
 * round trip the exchange stage charged inside the wait (the request's own ACK when that showed
 * the path grew slower). 0 when unknown.
 */
export function pathRttMs(exchange: Exchange): number {
  const handshake = exchange.rttMs ?? 0;
  const wait = findPhase(exchange, "wait");
  const inWait = wait?.charges.network ?? 0;
  // A wait's network share is at most one round trip, so it is a round trip only when the wait
  // also gave the server some time (otherwise it is capped by the wait itself).
  const waitRtt = wait !== undefined && (wait.charges["server-app"] ?? 0) > 0 ? inWait : 0;
  return Math.max(handshake, waitRtt);
}

/**
 * The propagation an exchange paid: the network charges of its TLS and wait phases, and of its
 * connect phase at most one round trip (a connect longer than that waited on a lost SYN or
 * SYN/ACK: loss, not distance).
 */
export function roundTripCostMs(exchange: Exchange): number {
  const connect = chargedMs(exchange, ["connect"], "network");
  const rtt = exchange.rttMs ?? 0;
  const connectRoundTrip = rtt > 0 ? Math.min(connect, rtt) : connect;
  return connectRoundTrip + chargedMs(exchange, ["tls", "wait"], "network");
}
