/**
 * keep-alive-reuse-race (client-app): the client wrote a request on a pooled keep-alive
 * connection after the server had closed it (the server's FIN had already arrived): the server's
 * idle timeout was shorter than the client's, the client did not notice the FIN before reusing the
 * socket, and the server's kernel answered the request with RST (data for a closed socket, RFC
 * 9293 §3.10.7.4). The client sees ECONNRESET (or "socket hang up") on a request the server never
 * saw. Rule (reset-cause.ts): RST from the server after a request that started after the server's
 * FIN. Cost: the request → the RST.
 */
import { msText, plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";

export const KEEP_ALIVE_REUSE_RACE = "keep-alive-reuse-race";

export const keepAliveReuseRaceKind: FindingKind = {
  kind: KEEP_ALIVE_REUSE_RACE,
  costSeverityCap: "warning",
  confidence: 0.85,
  describe(group) {
    return {
      title: `Keep-alive reuse race: ${plural(group.count, "request")} sent on a connection the server had closed`,
      explanation: `The server closed an idle keep-alive connection (its FIN, frame ${group.first.frames[0]}), and ${msText(group.fact("finToRequestMs"))} later the client reused the connection for a request anyway; the server's kernel answered it with a reset (frames ${group.first.frames.join(", ")}). The client gets ECONNRESET for a request the server never processed.`,
      advice:
        "Make the client's idle timeout for pooled connections shorter than the server's keep-alive timeout (e.g. Node's http.Agent `keepAlive` with a smaller free-socket timeout, or raise the server's keepAliveTimeout / nginx keepalive_timeout above every client's), and retry idempotent requests that fail this way on a new connection.",
    };
  },
};

export const keepAliveReuseRaceRule = resetCauseRule(KEEP_ALIVE_REUSE_RACE, () => "client-app");
