/**
 * abortive-reset (the app of the side that reset): an established connection ended with a RST
 * and no FIN while everything its sender had received was acknowledged: the application aborted
 * the connection (SO_LINGER {on, 0} then close(), Node's socket.resetAndDestroy(), a killed or
 * crashed process whose sockets the kernel resets). RFC 9293 §3.10.5 (ABORT); the tcp stage's
 * kinds abort / abort-mid-transfer, and close-with-unread-data when the RST acknowledged nothing
 * new (reset-cause.ts). Cost: the request in progress → the RST (0 for an idle connection).
 */
import { msText, plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";
import { appLayer } from "../side-layer.ts";

export const ABORTIVE_RESET = "abortive-reset";

export const abortiveResetKind: FindingKind = {
  kind: ABORTIVE_RESET,
  costSeverityCap: "warning",
  confidence: 0.75,
  describe(group) {
    const side = group.text("resetBy");
    const peer = side === "server" ? "client" : "server";
    return {
      title: `The ${side} aborted ${plural(group.count, "connection")} with a reset`,
      explanation: `The ${side} ended the connection with a reset and no normal close (frames ${group.first.frames.join(", ")}), after acknowledging everything the ${peer} had sent: its application aborted the connection (SO_LINGER 0, resetAndDestroy(), or a crashed or killed process) ${msText(group.first.costMs)} into the request. The ${peer} sees ECONNRESET.`,
      advice: `Look in the ${side}'s logs at that moment for a crash, a timeout that destroys sockets, or code that resets connections deliberately; close with a normal close() (FIN) unless an abort is intended, and make ${peer}s retry idempotent requests on ECONNRESET.`,
    };
  },
};

export const abortiveResetRule = resetCauseRule(ABORTIVE_RESET, (cause) =>
  appLayer(cause.reset.sentBy === "client" ? 0 : 1),
);
