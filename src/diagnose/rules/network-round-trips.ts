/**
 * network-round-trips (network): time spent on pure propagation: the round trips of the TCP
 * handshake (RFC 9293 §3.5: one RTT before the first request byte), of the TLS handshake (RFC
 * 8446: one more for TLS 1.3, two for TLS 1.2), and the RTT inside every request's wait. The
 * exchange stage charges these to the network by the vantage; this rule reports their sum, with
 * the connection's RTT, so "the network" is not confused with "a network problem". Propagation is
 * not a fault: information, reported from NETWORK_ROUND_TRIPS_MIN_MS per request. A connect that
 * took longer than one round trip waited on a lost SYN or SYN/ACK: only its round trip is counted
 * here. A path whose round trip exceeds HIGH_RTT_MS is reported by high-latency-path instead.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { HIGH_RTT_MS, pathRttMs, roundTripCostMs } from "../path-latency.ts";
import { requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const NETWORK_ROUND_TRIPS = "network-round-trips";

/** Round trips under 1 ms per request are a LAN's or a loopback's: nothing to tell. */
export const NETWORK_ROUND_TRIPS_MIN_MS = 1;

export const networkRoundTripsKind: FindingKind = {
  kind: NETWORK_ROUND_TRIPS,
  vantageDependent: true,
  costSeverityCap: "info",
  confidence: 0.7,
  describe(group) {
    const rtt = group.fact("rttMs");
    return {
      title: `${msText(group.costMs)} of network round trips over ${plural(group.count, "request")}${Number.isFinite(rtt) && rtt > 0 ? ` (RTT ${msText(rtt)})` : ""}`,
      explanation: `Packets take ${Number.isFinite(rtt) && rtt > 0 ? msText(rtt) : "a round trip"} to reach the server and come back, and every new connection pays a round trip for the TCP handshake, one or two more for TLS, and each request one more for its answer. That is distance, not a fault: ${msText(group.costMs)} in all.`,
      advice:
        "Reuse connections (keep-alive, HTTP/2), use TLS 1.3 or session resumption, batch requests, and serve from closer to the clients (a region or CDN nearer to them) when round trips dominate.",
    };
  },
};

export const networkRoundTripsRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, track: ConnectionTrack | undefined): void {
    // A path slower than HIGH_RTT_MS is high-latency-path's story.
    if (exchange.protocol !== "dns" && pathRttMs(exchange) >= HIGH_RTT_MS) return;
    const costMs = roundTripCostMs(exchange);
    if (costMs < NETWORK_ROUND_TRIPS_MIN_MS) return;
    const rttMs = track === undefined ? 0 : track.roundTripMs(0) + track.roundTripMs(1);
    context.sink.add({
      kind: NETWORK_ROUND_TRIPS,
      layer: "network",
      severity: "info",
      count: 1,
      costMs,
      endpoint: spacedEndpointText(exchange.server),
      frames: [exchange.request.firstFrame],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: { rttMs: roundMs(rttMs), request: requestLabel(exchange) },
    });
  },
});
