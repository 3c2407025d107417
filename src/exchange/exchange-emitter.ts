/**
 * Where finished exchanges go: numbers them, hands them to the observers, keeps the pass's
 * counts, and turns DNS transactions (UDP ones from the pass's tracker, TCP ones from a
 * connection's) into "dns" exchanges that later connections can link to.
 */
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { ProtoMessage } from "../proto/proto-message.ts";
import type { ProtoAnomaly, ProtoSink } from "../proto/types.ts";
import { dnsExchange } from "./dns-exchange.ts";
import { DnsLinks } from "./dns-links.ts";
import type { Exchange, PassObserver } from "./types.ts";

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
