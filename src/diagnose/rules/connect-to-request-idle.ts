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
      title:
        group.fact("tlsMs") >= group.fact("idleMs")
          ? `The client waited ${msText(group.costMs)} after connecting, in and after its TLS handshake, before it sent its request (${plural(group.count, "connection")})`
          : `The client waited ${msText(group.costMs)} after connecting before it sent its request (${plural(group.count, "connection")})`,
      explanation: `The connection was open and ready (nothing due from the server), yet the client kept it waiting: ${msText(group.fact("idleMs"))} before its first byte after the handshake, ${msText(group.fact("tlsMs"))} inside or right after its TLS handshake, where the server had sent its flight and waited for the client's answer (a client certificate chosen or unlocked when the server asked for one, a key computed, the request itself) (${group.text("request")}, frames ${group.first.frames.join(" → ")}). The network and the server were idle: the client application held the request.`,
      advice:
        "Find what the client does between connect and write: building the request body, waiting on a lock or a worker, a connection pool or proxy that hands the socket out late, a credential or certificate lookup. Prepare the request before connecting, or connect in parallel with that work. (A browser's speculative preconnect looks the same and costs nothing.)",
    };
  },
};

export const connectToRequestIdleRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    if (exchange.request.firstFrame === 0) return;
    const phases = exchange.phases;
    let costMs = 0;
    let tlsMs = 0;
    let frames: number[] = [];
    let idleMs = 0;
    let after = "";
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i]!;
      if (phase.name === "tls") {
        // The handshake waited on the client: between a server flight and its answer (a client
        // certificate chosen), or after the last one, before a request that followed.
        const client = phase.charges["client-app"] ?? 0;
        const due =
          exchange.request.bytes > 0 ? client : Math.min(client, exchange.tls?.clientWaitMs ?? 0);
        if (due > 0) {
          tlsMs = due;
          costMs += due;
          // The frames of the longer part of the wait.
          if (due > idleMs) frames = phase.frames;
        }
        continue;
      }
      if (phase.name !== "idle" || i === 0) continue;
      const before = phases[i - 1]!.name;
      // Only the idle right after the handshake (TCP's or TLS's) is a wait on a ready connection.
      if (before !== "connect" && before !== "tls") continue;
      const ms = phase.charges["client-app"] ?? 0;
      idleMs += ms;
      costMs += ms;
      after = before;
      if (ms >= tlsMs) frames = phase.frames;
      if (ms < CONNECT_IDLE_MIN_MS && tlsMs > ms) after = "tls";
    }
    if (costMs < CONNECT_IDLE_MIN_MS) return;
    context.sink.add({
      kind: CONNECT_TO_REQUEST_IDLE,
      layer: "client-app",
      severity: severityForCost(costMs, false),
      count: 1,
      costMs,
      endpoint: spacedEndpointText(exchange.server),
      frames,
      connection: exchange.connection,
      exchange: exchange.id,
      facts: {
        request: requestLabel(exchange),
        idleMs: roundMs(idleMs),
        tlsMs: roundMs(tlsMs),
        after: after || "tls",
      },
    });
  },
});
