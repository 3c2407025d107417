/**
 * reset-unread-data (the app of the side that reset): an application closed its socket while
 * received data was still unread, so its kernel sent RST instead of FIN (RFC 2525 §2.17; Linux
 * tcp_close(): "unread data was tossed", ABORTONCLOSE). Typical: a server answers an upload early
 * (413, 401) and closes without draining the body; the client's further writes, and often the
 * response it had not read yet, are lost and it sees ECONNRESET.
 *
 * Rule (reset-cause.ts): the tcp stage saw data arrive after the sender's last acknowledgment or
 * after its FIN, and the RST acknowledges bytes its sender had never acknowledged: they reached
 * the kernel and were thrown away with the socket. Cost: the request in progress → the RST.
 */
import { msText, plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";
import { appLayer } from "../side-layer.ts";

export const RESET_UNREAD_DATA = "reset-unread-data";

export const resetUnreadDataKind: FindingKind = {
  kind: RESET_UNREAD_DATA,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const side = group.text("resetBy");
    const peer = side === "server" ? "client" : "server";
    return {
      title: `The ${side} reset ${plural(group.count, "connection")}: closed with unread data`,
      explanation: `The ${side}'s application closed the socket while data from the ${peer} was still unread, so its kernel sent a reset instead of a normal close (frames ${group.first.frames.join(", ")}). The ${peer} sees ECONNRESET, and may lose a response it had not read yet; the request in progress had run ${msText(group.first.costMs)}.`,
      advice: `Have the ${side} read (drain) what the ${peer} sends before closing, or half-close with shutdown(SHUT_WR) and read to EOF; for HTTP servers rejecting an upload early, read and discard the body (up to a limit) or send "Connection: close" and linger before closing.`,
    };
  },
};

export const resetUnreadDataRule = resetCauseRule(RESET_UNREAD_DATA, (cause) =>
  appLayer(cause.reset.sentBy === "client" ? 0 : 1),
);
