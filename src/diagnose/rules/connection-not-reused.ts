/**
 * connection-not-reused (client-app): the client opened a new connection for (almost) every
 * request to a server instead of keeping connections alive (RFC 9112 §9.3 persistent
 * connections; HTTP/1.1's default), so every request paid a TCP handshake, and a TLS handshake,
 * again. Rule: at least NOT_REUSED_MIN_CONNECTIONS completed connections to one endpoint carried a
 * single exchange each, and they were at least NOT_REUSED_MIN_SHARE of its connections. Cost: the
 * network round trips of their connect and TLS phases (what reuse would have saved). The client decides whether to reuse (its HTTP agent or pool); a server
 * that sends "Connection: close" is named in the advice.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import { chargedMs } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";

export const CONNECTION_NOT_REUSED = "connection-not-reused";

/** Fewer one-shot connections than this are normal (a page opens a few in parallel). */
export const NOT_REUSED_MIN_CONNECTIONS = 5;
export const NOT_REUSED_MIN_SHARE = 0.8;
/** Endpoints tracked (a scan's thousands of endpoints are not a reuse problem). */
export const NOT_REUSED_ENDPOINTS_KEPT = 4096;
/** Frames kept per endpoint as evidence (the first connections' SYNs). */
const FRAMES_KEPT = 6;

class ConnectionSetup {
  setupMs = 0;
  /** The exchange was a TLS handshake and nothing else (no request was sent). */
  handshakeOnly = false;
}

class EndpointReuse {
  connections = 0;
  oneShot = 0;
  handshakeOnly = 0;
  setupMs = 0;
  frames: number[] = [];
  connectionIds: number[] = [];
}

export const connectionNotReusedKind: FindingKind = {
  kind: CONNECTION_NOT_REUSED,
  costSeverityCap: "warning",
  confidence: 0.7,
  describe(group) {
    return {
      // The cost is the client's choice but is spent as handshake round trips: Time by layer
      // shows it as the network's, and the title says so.
      title: `Connections not reused: ${plural(group.fact("oneShot"), "connection")} to ${group.endpoint || "the server"} carried ${group.fact("handshakeOnly") === group.fact("oneShot") ? "a TLS handshake and no request" : "one request"} each (${msText(group.costMs)} of handshakes, in the network's time)`,
      explanation: `${group.fact("oneShot")} of ${group.fact("connections")} connections to this server carried a single request and were closed (first ones from frames ${group.first.frames.join(", ")}), so every request paid the TCP (and TLS) handshake again: ${msText(group.costMs)} of setup in all.`,
      advice:
        "Use a keep-alive connection pool in the client (Node: an http.Agent with keepAlive: true, reused across requests; most HTTP clients pool by default when one client object is reused), and check that neither side sends `Connection: close`.",
    };
  },
};

export const connectionNotReusedRule: RuleFactory = (context: RuleContext) => {
  const endpoints = new Map<string, EndpointReuse>();
  return {
    onExchange(exchange: Exchange, track: ConnectionTrack | undefined): void {
      if (track === undefined || exchange.index !== 0) return;
      // The handshakes' round trips: what reuse would save. Waits a finding charged elsewhere
      // (SYN drops, a slow TLS server) are those findings' cost, not this one's.
      const setupMs = chargedMs(exchange, ["connect", "tls"], "network");
      const setup = new ConnectionSetup();
      setup.setupMs = setupMs;
      setup.handshakeOnly = exchange.protocol === "tls" && exchange.request.bytes === 0;
      track.slots[context.slot] = setup;
    },
    onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
      if (track === undefined || !summary.handshake.completed || track.exchanges === 0) return;
      const key = endpointText(summary.server);
      let endpoint = endpoints.get(key);
      if (endpoint === undefined) {
        if (endpoints.size >= NOT_REUSED_ENDPOINTS_KEPT) return;
        endpoint = new EndpointReuse();
        endpoints.set(key, endpoint);
      }
      endpoint.connections++;
      if (track.exchanges !== 1) return;
      endpoint.oneShot++;
      const setup = track.slots[context.slot] as ConnectionSetup | undefined;
      endpoint.setupMs += setup?.setupMs ?? 0;
      if (setup?.handshakeOnly === true) endpoint.handshakeOnly++;
      if (endpoint.frames.length < FRAMES_KEPT) endpoint.frames.push(summary.firstFrame);
      if (endpoint.connectionIds.length < FRAMES_KEPT) endpoint.connectionIds.push(summary.stream);
    },
    finish(): void {
      for (const [key, endpoint] of endpoints) {
        if (endpoint.oneShot < NOT_REUSED_MIN_CONNECTIONS) continue;
        if (endpoint.oneShot < endpoint.connections * NOT_REUSED_MIN_SHARE) continue;
        context.sink.add({
          kind: CONNECTION_NOT_REUSED,
          layer: "client-app",
          severity: severityForCost(endpoint.setupMs, false),
          count: endpoint.oneShot,
          costMs: endpoint.setupMs,
          endpoint: key,
          frames: endpoint.frames,
          connection: endpoint.connectionIds[0] ?? -1,
          exchange: -1,
          facts: {
            oneShot: endpoint.oneShot,
            handshakeOnly: endpoint.handshakeOnly,
            connections: endpoint.connections,
            setupMs: roundMs(endpoint.setupMs),
          },
        });
      }
    },
  };
};
