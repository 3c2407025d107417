/**
 * `wirewhy exchanges --filter`: the `conns --filter` language (conns-filter.ts), applied to the
 * connection each exchange ran on. A connection's summary exists only once the tcp stage has
 * finalized it, after its exchanges were emitted, so with a filter the exchanges of each open
 * connection wait for it (memory: the exchanges of the connections open at once; without a filter
 * nothing waits). A DNS exchange over UDP is matched against its client and server ends, as if
 * they were a connection with no TCP facts.
 */
import type { Exchange, PassObserver } from "../exchange/types.ts";
import type { ConnectionSummary, Endpoint } from "../tcp/types.ts";
import { emptyFlagCounts } from "../tcp/types.ts";
import { type ConnectionPredicate, parseConnectionFilter } from "./conns-filter.ts";

/** "address port" (the exchange's form) as an Endpoint. */
function endpointOf(text: string): Endpoint {
  const space = text.lastIndexOf(" ");
  if (space < 0) return { address: text, port: -1 };
  return { address: text.slice(0, space), port: Number(text.slice(space + 1)) };
}

/** A connection-shaped stand-in for an exchange without a TCP connection (DNS over UDP). */
function datagramConnection(x: Exchange): ConnectionSummary {
  return {
    stream: -1,
    ipVersion: x.client.includes(":") ? 6 : 4,
    client: endpointOf(x.client),
    server: endpointOf(x.server),
    flags: emptyFlagCounts(),
    vantage: { kind: x.vantage ?? "unknown", confidence: 0, evidence: [] },
    state: "OTH",
  } as unknown as ConnectionSummary;
}

export class FilteredExchanges implements PassObserver {
  private readonly predicate: ConnectionPredicate;
  private readonly waiting = new Map<number, Exchange[]>();
  private readonly show: (x: Exchange) => void;

  /** Throws FilterError (code WW_ERR_FILTER) when `expression` does not parse. */
  constructor(expression: string, show: (x: Exchange) => void) {
    this.predicate = parseConnectionFilter(expression);
    this.show = show;
  }

  onExchange(x: Exchange): void {
    if (x.connection < 0) {
      if (this.predicate(datagramConnection(x))) this.show(x);
      return;
    }
    const list = this.waiting.get(x.connection);
    if (list === undefined) this.waiting.set(x.connection, [x]);
    else list.push(x);
  }

  onConnection(c: ConnectionSummary): void {
    const list = this.waiting.get(c.stream);
    if (list === undefined) return;
    this.waiting.delete(c.stream);
    if (!this.predicate(c)) return;
    for (const x of list) this.show(x);
  }
}
