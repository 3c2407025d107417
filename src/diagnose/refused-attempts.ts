/**
 * How many connection attempts a refused connection holds. A client that retries a refused
 * connect() on the same port (Windows does, twice, 0.5 s apart) sends SYN after SYN on one 4-tuple,
 * each answered by the server's RST/ACK: the tcp stage sees one connection (Zeek's REJ), the
 * client made one attempt per SYN.
 */
import type { ConnectionSummary } from "../tcp/types.ts";

/** SYNs the server refused: one per SYN sent, at most one per reset the server sent. */
export function refusedAttempts(summary: ConnectionSummary): number {
  const syns = summary.handshake.synRetries + 1;
  let serverResets = 0;
  for (const reset of summary.resets) if (reset.sentBy === "server") serverResets++;
  serverResets += summary.resetsNotKept;
  return Math.max(1, Math.min(syns, serverResets));
}
