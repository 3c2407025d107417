/**
 * `wirewhy exchanges --filter`: the `conns --filter` language (conns-filter.ts), its connection
 * terms applied to the connection each exchange ran on, plus the exchange's own:
 *
 *   status 404 | status 5xx      the response's status (HTTP, or a DNS rcode), a class with "xx"
 *   method POST                  path /api (the target starts with it)
 *   slow 100ms                   lasted at least that long (ms, s, µs/us)
 *   layer server-app             the layer charged most of its time
 *   failed                       failed as analyze counts it (exchange-failed.ts)
 *
 * The connection A connection's summary exists only once the tcp stage has
 * finalized it, after its exchanges were emitted, so with a filter the exchanges of each open
 * connection wait for it (memory: the exchanges of the connections open at once; without a filter
 * nothing waits). A DNS exchange over UDP is matched against its client and server ends, as if
 * they were a connection with no TCP facts.
 */

import { exchangeFailed } from "../exchange/exchange-failed.ts";
import type { Exchange, PassObserver } from "../exchange/types.ts";
import { LAYERS } from "../model/finding.ts";
import type { ConnectionSummary, Endpoint } from "../tcp/types.ts";
import { emptyFlagCounts } from "../tcp/types.ts";
import { FilterError, FLAG_TERMS, parseFilterExpression, VALUE_TERMS } from "./conns-filter.ts";

interface Subject {
  x: Exchange;
  c: ConnectionSummary;
}

type Predicate = (s: Subject) => boolean;

function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|us|µs)?$/.exec(value);
  if (m === null)
    throw new FilterError(`filter: "${value}" is not a duration (100ms, 1.5s, 250us)`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return unit === "s" ? n * 1000 : unit === "ms" ? n : n / 1000;
}

/** The layer charged the most of the exchange's time. */
function mainLayer(x: Exchange): string {
  const totals = new Map<string, number>();
  for (const phase of x.phases) {
    for (const [layer, ms] of Object.entries(phase.charges)) {
      totals.set(layer, (totals.get(layer) ?? 0) + (ms ?? 0));
    }
  }
  let best = "";
  let bestMs = -1;
  for (const [layer, ms] of totals) {
    if (ms > bestMs) {
      best = layer;
      bestMs = ms;
    }
  }
  return best;
}

const EXCHANGE_VALUES: Record<string, (value: string) => Predicate> = {
  status: (v) => {
    const cls = /^([1-5])xx$/i.exec(v);
    if (cls) {
      const hundreds = Number(cls[1]);
      return (s) => Math.floor((s.x.response?.status ?? 0) / 100) === hundreds;
    }
    const code = Number(v);
    if (!Number.isInteger(code)) throw new FilterError(`filter: "${v}" is not a status (404, 5xx)`);
    return (s) => s.x.response?.status === code;
  },
  method: (v) => (s) => s.x.request.method.toUpperCase() === v.toUpperCase(),
  path: (v) => (s) => s.x.request.target.startsWith(v),
  slow: (v) => {
    const ms = duration(v);
    return (s) => s.x.durationMs >= ms;
  },
  layer: (v) => {
    if (!(LAYERS as readonly string[]).includes(v)) {
      throw new FilterError(`filter: "${v}" is not a layer (${LAYERS.join(", ")})`);
    }
    return (s) => mainLayer(s.x) === v;
  },
};

const EXCHANGE_FLAGS: Record<string, Predicate> = {
  failed: (s) => exchangeFailed(s.x),
};

/** Every term: the connection's on the exchange's connection, then the exchange's own. */
function exchangePredicate(expression: string): Predicate {
  const values: Record<string, (value: string) => Predicate> = {};
  for (const [name, make] of Object.entries(VALUE_TERMS)) {
    values[name] = (v) => {
      const p = make(v);
      return (s) => p(s.c);
    };
  }
  Object.assign(values, EXCHANGE_VALUES);
  const flags: Record<string, Predicate> = {};
  for (const [name, p] of Object.entries(FLAG_TERMS)) flags[name] = (s) => p(s.c);
  Object.assign(flags, EXCHANGE_FLAGS);
  return parseFilterExpression(expression, values, flags);
}

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
  private readonly predicate: Predicate;
  private readonly waiting = new Map<number, Exchange[]>();
  private readonly show: (x: Exchange) => void;

  /** Throws FilterError (code WW_ERR_FILTER) when `expression` does not parse. */
  constructor(expression: string, show: (x: Exchange) => void) {
    this.predicate = exchangePredicate(expression);
    this.show = show;
  }

  onExchange(x: Exchange): void {
    if (x.connection < 0) {
      if (this.predicate({ x, c: datagramConnection(x) })) this.show(x);
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
    for (const x of list) if (this.predicate({ x, c })) this.show(x);
  }
}
