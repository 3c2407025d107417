/**
 * accept-queue-full (server-os): a listener's accept queue is over its backlog (full: the kernel
 * drops new handshakes, sk_acceptq_is_full() is `sk_ack_backlog > sk_max_ack_backlog`), or at
 * ACCEPT_QUEUE_NEAR_FULL of it. Read from /proc/net/tcp's rx_queue of the LISTEN socket, the peak
 * over the --watch samples.
 */
import type { Finding } from "../../model/finding.ts";
import { endpointText, type HostRule } from "./host-rule.ts";

/** Warn at 80 % of the backlog: a burst away from dropping connections. */
export const ACCEPT_QUEUE_NEAR_FULL = 0.8;
/** A queue of 1-2 on a tiny backlog is too small to call "near full". */
const MIN_QUEUE_FOR_WARNING = 4;

export const acceptQueueFullRule: HostRule = {
  kind: "accept-queue-full",
  evaluate(input) {
    const findings: Finding[] = [];
    for (const l of input.listeners) {
      if (l.backlog === null) continue;
      const full = l.peakAcceptQueue > l.backlog;
      const near =
        !full &&
        l.peakAcceptQueue >= MIN_QUEUE_FOR_WARNING &&
        l.peakAcceptQueue >= ACCEPT_QUEUE_NEAR_FULL * l.backlog;
      if (!full && !near) continue;
      const owner = l.pid !== null ? `${l.command} (pid ${l.pid})` : "its process";
      findings.push({
        kind: "accept-queue-full",
        layer: "server-os",
        severity: full ? "error" : "warning",
        costMs: 0,
        title: `${full ? "Accept queue full" : "Accept queue nearly full"} on ${endpointText(l.address, l.port)}: ${l.peakAcceptQueue} waiting, backlog ${l.backlog}`,
        explanation: `${l.peakAcceptQueue} established connections were waiting for ${owner} to accept() them, against a backlog of ${l.backlog}. ${full ? "The queue is full: the kernel now drops new handshakes (ListenOverflows), and clients wait a SYN retransmission (1 s, then longer) or time out." : "One burst more and the kernel starts dropping handshakes."} The application is not accepting connections fast enough (blocked, overloaded, or stopped).`,
        advice: `Find out why ${owner} is not accepting (stuck event loop, all workers busy, stopped process); raise the backlog in listen() and net.core.somaxconn.`,
        confidence: 0.9,
        count: 1,
        endpoint: endpointText(l.address, l.port),
        evidence: {
          frames: [],
          facts: {
            acceptQueue: l.acceptQueue,
            peakAcceptQueue: l.peakAcceptQueue,
            backlog: l.backlog,
            ...(l.pid !== null ? { pid: l.pid, command: l.command ?? "" } : {}),
          },
        },
      });
    }
    return findings;
  },
};
