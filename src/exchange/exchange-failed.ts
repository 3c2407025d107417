import type { Exchange } from "./types.ts";

/**
 * An exchange failed when a reset cut it, or the connection ended without the answer it was due;
 * an unanswered message no answer was due to (Exchange.oneWay), and a request its client
 * cancelled (Exchange.cancelled), are not failures. What the capture's end cut short (outcome
 * "truncated") is unfinished, not failed. analyze's failure count and `exchanges --filter failed`.
 */
export function exchangeFailed(exchange: Exchange): boolean {
  if (exchange.outcome === "reset") return exchange.cancelled !== true;
  return exchange.outcome === "no-response" && exchange.oneWay !== true;
}
