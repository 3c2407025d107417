/**
 * A DNS lookup as an exchange (protocol "dns"): the query name as target, the rcode as status, and
 * one "wait" phase from the first query to the response (or to the last retry when unanswered),
 * all of it charged to dns.
 */
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { Exchange, Phase } from "./types.ts";

/** "dns" exchange: one "wait" phase from the first query to the response (or the last retry). */
export function dnsExchange(tx: DnsTransaction, connection: number): Exchange {
  const lastQueryFrame =
    tx.retryFrames.length > 0 ? tx.retryFrames[tx.retryFrames.length - 1] : tx.queryFrame;
  let lastQueryMs = tx.queryTimeMs;
  for (const interval of tx.retryIntervalsMs) lastQueryMs += interval;
  const endMs = tx.answered ? tx.responseTimeMs : lastQueryMs;
  const startMs = Math.round(tx.queryTimeMs * 1e6) / 1e6;
  const durationMs = Math.max(0, Math.round((endMs - tx.queryTimeMs) * 1e6) / 1e6);
  const phases: Phase[] =
    durationMs > 0
      ? [
          {
            name: "wait",
            startMs,
            durationMs,
            frames: [tx.queryFrame, tx.answered ? tx.responseFrame : lastQueryFrame],
            layer: "dns",
            charges: { dns: durationMs },
          },
        ]
      : [];
  return {
    id: -1,
    protocol: "dns",
    connection,
    index: 0,
    client: tx.client,
    server: tx.server,
    request: {
      method: "",
      target: tx.qname,
      host: "",
      bytes: 0,
      firstFrame: tx.queryFrame,
      lastFrame: lastQueryFrame,
    },
    response: tx.answered
      ? {
          status: tx.rcode,
          bytes: 0,
          firstFrame: tx.responseFrame,
          lastFrame: tx.responseFrame,
          ackFrame: 0,
        }
      : null,
    outcome: tx.answered
      ? "complete"
      : tx.pendingAtCaptureEndMs !== undefined
        ? "truncated"
        : "no-response",
    startMs,
    durationMs,
    phases,
    dns: {
      transport: tx.transport,
      id: tx.id,
      qtypeName: tx.qtypeName,
      rcodeName: tx.rcodeName,
      retries: tx.retries,
      latencyMs: tx.latencyMs,
      serverLatencyMs: tx.serverLatencyMs,
      addresses: tx.addresses,
    },
  };
}
