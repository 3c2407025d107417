/**
 * connect-to-request-idle (client-app): the client opened a connection and then sat on it before
 * its first request: the handshake (and TLS, when there is one) was complete, nothing was due from
 * the server, yet the first request byte came CONNECT_IDLE_MIN_MS or more later. Between requests
 * such a pause is the client's pace (client-think-time: nobody waits for a request not yet made);
 * before the first request on a new connection it is a wait inside the request the client had
 * already started: it connected because it meant to send (a request still being built, a lock, a
 * pool or proxy handing the socket out late, a certificate or credential lookup). The exchange
 * stage's `idle` phase right after the `connect` or `tls` phase, of an exchange with a request.
 * A browser's speculative preconnect looks the same and costs no one anything: the advice says so.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";

export const CONNECT_TO_REQUEST_IDLE = "connect-to-request-idle";

/** 100 ms (WARNING_COST_MS, as client-think-time): a wait a user notices. */
export const CONNECT_IDLE_MIN_MS = 100;

export const connectToRequestIdleKind: FindingKind = {
  kind: CONNECT_TO_REQUEST_IDLE,
  costSeverityCap: "warning",
  confidence: 0.7,
  describe(group) {
    return {
      title: `The client waited ${msText(group.costMs)} after connecting before it sent its request (${plural(group.count, "connection")})`,
      explanation: `The connection was open and ready (handshake done, nothing due from the server), yet the client's first request came ${msText(group.fact("idleMs"))} later (${group.text("request")}, frames ${group.first.frames.join(" → ")}). The network and the server were idle: the client application opened the connection before it had its request ready.`,
      advice:
        "Find what the client does between connect and write: building the request body, waiting on a lock or a worker, a connection pool or proxy that hands the socket out late, a credential or certificate lookup. Prepare the request before connecting, or connect in parallel with that work. (A browser's speculative preconnect looks the same and costs nothing.)",
    };
  },
};

export const connectToRequestIdleRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    if (exchange.request.firstFrame === 0) return;
    const phases = exchange.phases;
    for (let i = 1; i < phases.length; i++) {
      const phase = phases[i]!;
      if (phase.name !== "idle") continue;
      const before = phases[i - 1]!.name;
      if (before !== "connect" && before !== "tls") return;
      const costMs = phase.charges["client-app"] ?? 0;
      if (costMs < CONNECT_IDLE_MIN_MS) return;
      context.sink.add({
        kind: CONNECT_TO_REQUEST_IDLE,
        layer: "client-app",
        severity: severityForCost(costMs, false),
        count: 1,
        costMs,
        endpoint: spacedEndpointText(exchange.server),
        frames: phase.frames,
        connection: exchange.connection,
        exchange: exchange.id,
        facts: {
          request: requestLabel(exchange),
          idleMs: roundMs(phase.durationMs),
          after: before,
        },
      });
      return;
    }
  },
});
