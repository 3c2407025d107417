/** What an analysis assumed, in plain words (Analysis.assumptions). */
import type { Vantage } from "../tcp/types.ts";
import { SERVER_THINK_MIN_MS } from "./rules/server-think-time.ts";
import { SLOW_DNS_MIN_MS } from "./rules/slow-dns.ts";
import { WARNING_COST_MS } from "./severity.ts";

const VANTAGE_SPLIT: Record<Vantage["kind"], string> = {
  "client-side":
    "captured at the client: the handshake's SYN → SYN/ACK is the whole path's round trip, and one round trip of every wait for a response is charged to the network, the rest to the server app",
  "server-side":
    "captured at the server: the wait between the request's last byte and the response's first byte is the server's own time, all charged to the server app",
  loopback:
    "captured on one host that runs both ends (loopback): there is no path, every wait is the server's",
  middle:
    "captured between the ends: the round trip splits into two halves; waits are charged like a client-side capture's (one round trip to the network), so the server is not blamed for the path",
  unknown:
    "where the capture was taken could not be told: waits are charged like a client-side capture's (one round trip to the network)",
};

export function analysisAssumptions(vantage: Vantage, partial: boolean): string[] {
  const out = [
    `Vantage: ${vantage.kind} (confidence ${vantage.confidence.toFixed(2)}): ${VANTAGE_SPLIT[vantage.kind]}.${vantage.evidence.length > 0 ? ` Evidence: ${vantage.evidence.slice(0, 3).join("; ")}.` : ""}`,
    `A cost of ${WARNING_COST_MS} ms or more is a warning, a failure is an error; smaller costs are information (server think time is reported from ${SERVER_THINK_MIN_MS} ms per request, DNS from ${SLOW_DNS_MIN_MS} ms per lookup).`,
    "Findings of one kind at one server endpoint are grouped: the cost is their sum, the frames those of the worst occurrences.",
  ];
  if (partial) out.push("The capture was read only in part: the analysis covers the packets read.");
  return out;
}
