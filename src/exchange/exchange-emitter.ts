/**
 * Where finished exchanges go: numbers them, hands them to the observers, keeps the pass's
 * counts, and turns DNS transactions (UDP ones from the pass's tracker, TCP ones from a
 * connection's) into "dns" exchanges that later connections can link to.
 */
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { ProtoMessage } from "../proto/proto-message.ts";
import type { ProtoAnomaly, ProtoSink } from "../proto/types.ts";
import { DnsLinks } from "./dns-links.ts";
import type { Exchange, PassObserver, Phase } from "./types.ts";

export class ExchangeEmitter implements ProtoSink {
  readonly links = new DnsLinks();
  readonly anomalies = new Map<string, number>();
  exchanges = 0;
  dnsTransactions = 0;
  private readonly exchangeObservers: PassObserver[];
  private readonly dnsObservers: PassObserver[];

  constructor(observers: readonly PassObserver[]) {
    this.exchangeObservers = observers.filter((o) => o.onExchange !== undefined);
    this.dnsObservers = observers.filter((o) => o.onDns !== undefined);
  }

  emit(exchange: Exchange): void {
    exchange.id = this.exchanges++;
    for (const o of this.exchangeObservers) o.onExchange?.(exchange);
  }

  /** UDP DNS transactions (the pass's own tracker reports here). */
  message(message: ProtoMessage): void {
    if (message.protocol === "dns") this.dnsTransaction(message, -1);
  }

  anomaly(anomaly: ProtoAnomaly): void {
    this.anomalies.set(anomaly.name, (this.anomalies.get(anomaly.name) ?? 0) + 1);
  }

  /** One DNS lookup: observers' onDns, then a "dns" exchange, then a linkable answer. */
  dnsTransaction(tx: DnsTransaction, connection: number): void {
    this.dnsTransactions++;
    for (const o of this.dnsObservers) o.onDns?.(tx);
    const exchange = dnsExchange(tx, connection);
    this.emit(exchange);
    this.links.add(tx, exchange.id);
  }
}

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
    outcome: tx.answered ? "complete" : "no-response",
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
