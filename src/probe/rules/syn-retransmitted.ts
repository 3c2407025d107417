/**
 * syn-retransmitted (network): the TCP handshake took at least SYN_RETRY_MIN_MS more than one
 * round trip, which only a retransmitted SYN (or SYN/ACK) explains: the first retry waits the
 * initial RTO of 1 s (RFC 6298 §2.1, TCP_TIMEOUT_INIT in include/net/tcp.h).
 */
import type { Finding } from "../../model/finding.ts";
import { type ProbeRule, round3, runList } from "./probe-rule.ts";

/** Initial RTO 1 s, less a margin for timer slack. */
export const SYN_RETRY_MIN_MS = 900;

export const synRetransmittedRule: ProbeRule = {
  kind: "syn-retransmitted",
  evaluate(runs, context): Finding | null {
    const excess = (r: (typeof runs)[number]) => {
      const connected = r.attempts.find((a) => a.outcome === "connected");
      return connected ? connected.ms - (r.rttMs ?? 0) : 0;
    };
    const hit = runs.filter((r) => !r.reused && excess(r) >= SYN_RETRY_MIN_MS);
    if (hit.length === 0) return null;
    const costs = hit.map(excess);
    return {
      kind: "syn-retransmitted",
      layer: "network",
      severity: "warning",
      costMs: round3(costs.reduce((a, b) => a + b, 0)),
      title: `The TCP handshake needed a retransmission in ${hit.length} run${hit.length === 1 ? "" : "s"}`,
      explanation: `Connecting took ${Math.max(...costs).toFixed(0)} ms more than one round trip: the SYN or the SYN/ACK was lost and the kernel resent the SYN after its 1 s initial timeout. Loss on the path does this; so does a server whose accept queue is full (its kernel drops SYNs while ListenOverflows rises).`,
      advice:
        "On the server, `wirewhy host --watch 10` shows whether ListenOverflows/ListenDrops rise; otherwise look for loss on the path (--capture shows the retries).",
      confidence: 0.7,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: {
        frames: [],
        facts: { runs: runList(hit), maxExtraMs: round3(Math.max(...costs)) },
      },
    };
  },
};
