/**
 * close-wait-accumulating (server-app): connections the peer has closed (its FIN arrived) that the
 * local application never closes. CLOSE_WAIT ends only when the application calls close(); it
 * normally lasts microseconds. Reported per local port when a CLOSE_WAIT socket survives the whole
 * --watch (at least CLOSE_WAIT_PERSIST_MS), or, in a single reading, from CLOSE_WAIT_MANY sockets.
 */
import type { Finding } from "../../model/finding.ts";
import type { ProcSocket } from "../proc-net-sockets.ts";
import type { HostRule } from "./host-rule.ts";

/** In one reading, this many on one port is no coincidence of timing. */
export const CLOSE_WAIT_MANY = 16;
/** A CLOSE_WAIT that lasts a second is not a close in progress. */
export const CLOSE_WAIT_PERSIST_MS = 1000;

function byPort(sockets: ProcSocket[], listenPorts: Set<number>): Map<number, ProcSocket[]> {
  const out = new Map<number, ProcSocket[]>();
  for (const s of sockets) {
    if (s.state !== "CLOSE_WAIT") continue;
    const port = listenPorts.has(s.localPort) ? s.localPort : s.remotePort;
    const list = out.get(port);
    if (list) list.push(s);
    else out.set(port, [s]);
  }
  return out;
}

const key = (s: ProcSocket) =>
  `${s.localAddress}|${s.localPort}|${s.remoteAddress}|${s.remotePort}|${s.inode}`;

export const closeWaitRule: HostRule = {
  kind: "close-wait-accumulating",
  evaluate(input) {
    const findings: Finding[] = [];
    const before = byPort(input.firstSockets, input.listenPorts);
    const after = byPort(input.lastSockets, input.listenPorts);
    const watched =
      input.watchSeconds !== null && input.watchSeconds * 1000 >= CLOSE_WAIT_PERSIST_MS;
    for (const [port, now] of after) {
      const earlier = before.get(port) ?? [];
      const earlierKeys = new Set(earlier.map(key));
      const persisting = watched ? now.filter((s) => earlierKeys.has(key(s))).length : 0;
      const growth = now.length - earlier.length;
      if (persisting === 0 && now.length < CLOSE_WAIT_MANY) continue;
      const local = input.listenPorts.has(port);
      findings.push({
        kind: "close-wait-accumulating",
        layer: "server-app",
        severity: "warning",
        costMs: 0,
        title: `${now.length} connection${now.length === 1 ? "" : "s"} stuck in CLOSE_WAIT on ${local ? "local" : "remote"} port ${port}${watched ? ` (${growth >= 0 ? "+" : ""}${growth} over ${input.watchSeconds} s)` : ""}`,
        explanation: `The peers closed these connections (their FIN arrived) but the application on this host never called close() on its sockets${watched ? `: ${persisting} were already in CLOSE_WAIT when the watch began and still are` : ""}. Each holds a file descriptor and memory; the count grows until the process runs out of descriptors. A connection leak in the application: a response path that forgets to close, or a pool that never notices dead connections.`,
        advice:
          "Find the owner (`wirewhy host --port P` shows listeners and processes; ss -tnp state close-wait) and make every code path close its sockets (finally/defer/using).",
        confidence: watched && persisting > 0 ? 0.9 : 0.7,
        count: now.length,
        endpoint: `:${port}`,
        evidence: {
          frames: [],
          facts: { port, closeWait: now.length, atStart: earlier.length, persisting, growth },
        },
      });
    }
    return findings;
  },
};
