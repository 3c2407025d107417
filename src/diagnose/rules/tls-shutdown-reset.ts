/**
 * tls-shutdown-reset (the OS of the side that reset; information): a TLS connection's normal end
 * that merely looks like a reset. One side sent its close_notify and FIN and closed its socket;
 * its peer answered with its own close_notify (RFC 8446 §6.1, RFC 5246 §7.2.1: each side sends
 * close_notify before closing its write side), a short alert record that reached a socket already
 * closed, and the closed side's kernel answered it with RST (data for a closed socket, RFC 9293
 * §3.10.7.4; Linux counts TCPAbortOnData). Nothing was lost: every response had arrived.
 *
 * Rule (reset-cause.ts, before keep-alive-reuse-race): the RST's sender had sent its FIN, and all
 * its peer sent after that FIN was lone TLS alert records (ConnectionTrack.isLoneTlsAlert: a
 * record of type 21, or a TLS 1.3 application_data record no longer than an encrypted alert).
 * The exchange stage makes no exchange of such a record either. Cost: 0.
 */
import { plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";
import { osLayer } from "../side-layer.ts";

export const TLS_SHUTDOWN_RESET = "tls-shutdown-reset";

export const tlsShutdownResetKind: FindingKind = {
  kind: TLS_SHUTDOWN_RESET,
  costSeverityCap: "info",
  confidence: 0.8,
  describe(group) {
    const side = group.text("resetBy");
    const peer = side === "client" ? "server" : "client";
    return {
      title: `Normal TLS shutdown: ${plural(group.count, "connection")} ended with the ${peer}'s close_notify answered by a reset`,
      explanation: `The ${side} closed the connection (its FIN) and its socket; the ${peer}'s TLS stack then sent its own close_notify alert, as TLS asks each side to, and the ${side}'s kernel answered that alert with a reset because no socket was left to read it (frames ${group.first.frames.join(", ")}). Every response had arrived before: nothing failed, and no request was lost.`,
      advice: `Nothing to fix. If reset counters (TcpExtTCPAbortOnData) alarm someone, the ${side} can half-close: shut down its write side and wait for the ${peer}'s close_notify or FIN before closing the socket.`,
    };
  },
};

export const tlsShutdownResetRule = resetCauseRule(TLS_SHUTDOWN_RESET, (cause) =>
  osLayer(cause.reset.sentBy === "client" ? 0 : 1),
);
