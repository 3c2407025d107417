/**
 * connection-refused (server-os): the server's kernel answered the SYN with RST/ACK at once
 * (Zeek's conn_state REJ): nothing listens on that port (RFC 9293 §3.10.7.1: a segment for a
 * CLOSED socket draws a reset; the client's connect() fails with ECONNREFUSED). A firewall's
 * REJECT --reject-with tcp-reset looks the same on the wire. Each SYN refused is one attempt (a
 * client may retry on the same port: refused-attempts.ts). Cost: first SYN → the server's last
 * RST, the time the client spent on the refused attempts (~0 for one attempt).
 */
import { msText, plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";

export const CONNECTION_REFUSED = "connection-refused";

export const connectionRefusedKind: FindingKind = {
  kind: CONNECTION_REFUSED,
  costSeverityCap: "warning",
  confidence: 0.9,
  describe(group) {
    return {
      title: `Connection refused by ${group.endpoint || "the server"}: ${plural(group.count, "attempt")}`,
      explanation: `The server's kernel answered ${group.count > 1 ? `each of the client's ${group.count} SYNs` : "the client's SYN"} with a reset (frames ${group.first.frames.join(", ")}): no process was listening on that port, so connect() failed with ECONNREFUSED${group.costMs >= 1 ? `; the client spent ${msText(group.costMs)} retrying` : ""}. A firewall rejecting with a TCP reset looks the same.`,
      advice:
        "Check that the service is running and listening on that address and port (`ss -ltnp` on the server; a process bound to 127.0.0.1 is not reachable from elsewhere), that the client uses the right port, and that deploys and restarts do not leave a window without a listener (graceful reload, socket activation, readiness checks).",
    };
  },
};

export const connectionRefusedRule = resetCauseRule(CONNECTION_REFUSED, () => "server-os");
