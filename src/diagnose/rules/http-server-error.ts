/**
 * http-server-error (server-app): the server answered with a 5xx status, "the server is aware
 * that it has erred or is incapable of performing the requested method" (RFC 9110 §15.6). A
 * failure: severity error. Cost: the wait and the response (what the client spent on the failed
 * answer once its request was sent). 502/503/504 usually come from a proxy about the server
 * behind it; the explanation says so.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { plural } from "../ms-text.ts";
import { requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const HTTP_SERVER_ERROR = "http-server-error";

/** RFC 9110 §15.6: 500-599. */
export const SERVER_ERROR_MIN_STATUS = 500;

export const httpServerErrorKind: FindingKind = {
  kind: HTTP_SERVER_ERROR,
  costSeverityCap: "warning",
  confidence: 0.95,
  describe(group) {
    const status = group.fact("status");
    const proxy = status === 502 || status === 503 || status === 504;
    return {
      title: `HTTP ${status} from the server: ${plural(group.count, "request")} failed (${group.text("request")})`,
      explanation: `The server answered ${plural(group.count, "request")} with a 5xx status (worst: ${status} to ${group.text("request")}, frame ${group.first.frames[0]}): the server failed to handle a request it received.${proxy ? ` ${status} usually comes from a proxy or gateway reporting that the application behind it was unreachable, overloaded or too slow.` : ""}`,
      advice: proxy
        ? "Check the upstream the proxy forwards to (is it up, how long does it take, what are the proxy's timeouts and connection limits) and the proxy's error log for this request."
        : "Look up the failing request in the server's error log or traces (the exception behind the 500) and fix the handler.",
    };
  },
};

export const httpServerErrorRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    if (exchange.protocol !== "http1" && exchange.protocol !== "http2") return;
    const response = exchange.response;
    if (response === null || response.status < SERVER_ERROR_MIN_STATUS || response.status > 599) {
      return;
    }
    let costMs = 0;
    for (const phase of exchange.phases) {
      if (phase.name === "wait" || phase.name === "response") costMs += phase.durationMs;
    }
    context.sink.add({
      kind: HTTP_SERVER_ERROR,
      layer: "server-app",
      severity: "error",
      count: 1,
      costMs,
      endpoint: spacedEndpointText(exchange.server),
      frames: [response.firstFrame],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: { status: response.status, request: requestLabel(exchange) },
    });
  },
});
