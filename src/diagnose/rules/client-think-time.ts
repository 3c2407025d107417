/**
 * client-think-time (client-app): an open connection sat idle before a request because the
 * client had nothing to send: the exchange stage's "idle" phase (the previous response was
 * complete, the next request had not started). Zeek's and Wireshark's conversation timings show
 * the same gap. Not a fault by itself (a user reading a page, a poller's interval): reported as
 * information, from CLIENT_THINK_MIN_MS per request, so sequential client work that makes a page
 * slow is visible. An idle phase right after the handshake (before a new connection's first
 * request) is connect-to-request-idle's: the client had already started that request.
 */
import type { Exchange } from "../../exchange/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { spacedEndpointText } from "../endpoint-text.ts";
import { msText, plural } from "../ms-text.ts";
import { chargedMs, findPhase, requestLabel } from "../phase-charges.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";

export const CLIENT_THINK_TIME = "client-think-time";

/** 100 ms (WARNING_COST_MS): a pause a user could notice when requests are made in sequence. */
export const CLIENT_THINK_MIN_MS = 100;

export const clientThinkTimeKind: FindingKind = {
  kind: CLIENT_THINK_TIME,
  costSeverityCap: "info",
  confidence: 0.6,
  describe(group) {
    return {
      title: `The client paused ${msText(group.costMs)} between requests (${plural(group.count, "pause")})`,
      explanation: `The connection was idle before ${plural(group.count, "request")} because the client had nothing to send (longest before ${group.text("request")}, frames ${group.first.frames.join(" → ")}): the previous response was complete and the client application had not written its next request yet.`,
      advice:
        "If these requests belong to one user action, issue them in parallel or batch them; otherwise this is the client's own pace and not a problem.",
    };
  },
};

export const clientThinkTimeRule: RuleFactory = (context: RuleContext) => ({
  onExchange(exchange: Exchange, _track: ConnectionTrack | undefined): void {
    const costMs = chargedMs(exchange, ["idle"], "client-app");
    if (costMs < CLIENT_THINK_MIN_MS) return;
    if (exchange.request.firstFrame !== 0 && idleFollowsHandshake(exchange)) return;
    context.sink.add({
      kind: CLIENT_THINK_TIME,
      layer: "client-app",
      severity: "info",
      count: 1,
      costMs,
      endpoint: spacedEndpointText(exchange.server),
      frames: findPhase(exchange, "idle")?.frames ?? [exchange.request.firstFrame],
      connection: exchange.connection,
      exchange: exchange.id,
      facts: { request: requestLabel(exchange) },
    });
  },
});

/** The exchange's idle phase comes right after its connect or TLS phase. */
export function idleFollowsHandshake(exchange: Exchange): boolean {
  const phases = exchange.phases;
  for (let i = 1; i < phases.length; i++) {
    if (phases[i]!.name !== "idle") continue;
    const before = phases[i - 1]!.name;
    return before === "connect" || before === "tls";
  }
  return false;
}
