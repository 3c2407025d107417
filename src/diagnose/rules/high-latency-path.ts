/**
 * high-latency-path (network): the path's round trip is longer than any healthy terrestrial path
 * gives (HIGH_RTT_MS, from ITU-T G.114), so propagation alone makes requests slow. The same
 * round trips network-round-trips reports as information on an ordinary path; past HIGH_RTT_MS
 * they are the problem, and a warning by their cost.
 *
 * Evidence: the handshake's RTT (SYN → SYN/ACK at a client-side capture, SYN/ACK → ACK at a
 * server-side one), and the request's own ACK round trip when the exchange stage found the path
 * had grown slower after the handshake (a queue filling: bufferbloat). Cost: the round trips the
 * exchange paid (path-latency.ts, roundTripCostMs).
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { HIGH_RTT_MS, pathRttMs, roundTripCostMs } from "../path-latency.ts";
import { requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const HIGH_LATENCY_PATH = "high-latency-path";

export const highLatencyPathKind: FindingKind = {
  kind: HIGH_LATENCY_PATH,
  vantageDependent: true,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const rtt = group.fact("rttMs");
    const handshake = group.fact("handshakeRttMs");
    const grew = Number.isFinite(handshake) && rtt > handshake + 1;
    return {
      title: `High-latency path to ${group.endpoint || "the server"}: round trips of ${msText(rtt)} cost ${msText(group.costMs)} over ${plural(group.count, "request")}`,
      explanation: `A round trip to this server takes ${msText(rtt)}${grew ? ` (${msText(handshake)} at the handshake, then the server's ACK of the request came ${msText(rtt)} after it: the path grew slower, as a filling queue makes it)` : ""}, more than the ${msText(HIGH_RTT_MS)} within which interactive traffic feels transparent (ITU-T G.114; fibre halfway round the Earth is ~200 ms). Every handshake and every request pays it: ${msText(group.costMs)} in all (frames ${group.first.frames.join(", ")}). The server answered quickly once the request arrived; the time is the path's.`,
      advice:
        "Find where the delay is (`mtr` or `traceroute` to the server; compare with the RTT from another network): a satellite or cellular hop, a VPN or proxy detour through a far region, or a congested link whose queue delays every packet (bufferbloat: latency that grows under load; fq_codel or cake on the bottleneck fixes it). Serving from closer and reusing connections cut how many round trips a request pays.",
    };
  },
};

export const highLatencyPathRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    if (exchange.protocol === "dns") return;
    const rttMs = pathRttMs(exchange);
    if (rttMs < HIGH_RTT_MS) return;
    const frames = [exchange.request.firstFrame];
    if (exchange.response !== null) frames.push(exchange.response.firstFrame);
    context.sink.add({
      kind: HIGH_LATENCY_PATH,
      layer: "network",
      severity: "info",
      count: 1,
      costMs: roundTripCostMs(exchange),
      endpoint: spacedEndpointText(exchange.server),
      frames,
      connection: exchange.connection,
      exchange: exchange.id,
      facts: {
        rttMs: roundMs(rttMs),
        handshakeRttMs: roundMs(exchange.rttMs ?? 0),
        request: requestLabel(exchange),
      },
    });
  },
});
