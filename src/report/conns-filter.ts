/**
 * The `conns --filter` language: a small, BPF-flavoured expression over connection summaries.
 *
 *   port 443              either endpoint's port
 *   host 10.0.0.1         either endpoint's address
 *   client 10.0.0.1       server 10.0.0.2     (by role)
 *   state REJ             Zeek conn_state
 *   vantage client-side   stream 3
 *   retrans | reset | zerowindow | lost      connections with at least one
 *   terms combine with `and` (also implied by juxtaposition), `or`, `not`, and parentheses.
 *
 * Errors carry the stable code WW_ERR_FILTER with the position of the problem.
 */
import type { ConnectionSummary } from "../tcp/types.ts";

export type ConnectionPredicate = (c: ConnectionSummary) => boolean;

export class FilterError extends Error {
  readonly code = "WW_ERR_FILTER";
}

export const VALUE_TERMS: Record<string, (value: string) => ConnectionPredicate> = {
  port: (v) => {
    const port = Number(v);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new FilterError(`filter: "${v}" is not a port`);
    }
    return (c) => c.client.port === port || c.server.port === port;
  },
  host: (v) => (c) => c.client.address === v || c.server.address === v,
  client: (v) => (c) => c.client.address === v,
  server: (v) => (c) => c.server.address === v,
  state: (v) => (c) => c.state === v.toUpperCase(),
  vantage: (v) => (c) => c.vantage.kind === v,
  stream: (v) => {
    const n = Number(v);
    return (c) => c.stream === n;
  },
};

export const FLAG_TERMS: Record<string, ConnectionPredicate> = {
  retrans: (c) => c.flags.retransmission > 0,
  reset: (c) => c.flags.reset > 0,
  zerowindow: (c) => c.flags.zeroWindow > 0,
  lost: (c) => c.flags.lostSegment > 0,
};

export function parseConnectionFilter(text: string): ConnectionPredicate {
  return parseFilterExpression(text, VALUE_TERMS, FLAG_TERMS);
}

/**
 * The expression grammar over any subject: `values` are terms followed by a value (`port 443`),
 * `flags` terms alone (`retrans`); an unknown term's error lists the valid ones.
 */
export function parseFilterExpression<T>(
  text: string,
  values: Record<string, (value: string) => (subject: T) => boolean>,
  flags: Record<string, (subject: T) => boolean>,
): (subject: T) => boolean {
  type Predicate = (subject: T) => boolean;
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const fail = (what: string): never => {
    throw new FilterError(`filter: ${what} at word ${i + 1} of "${text}"`);
  };
  const valid = () =>
    `valid terms: ${Object.keys(values)
      .map((t) => `${t} VALUE`)
      .concat(Object.keys(flags))
      .join(", ")}; combined with and, or, not, ( )`;

  function primary(): Predicate {
    const t = peek();
    if (t === undefined) return fail("expected a term");
    if (t === "(") {
      i++;
      const inner = orExpr();
      if (peek() !== ")") fail("expected )");
      i++;
      return inner;
    }
    if (t === "not" || t === "!") {
      i++;
      const inner = primary();
      return (c) => !inner(c);
    }
    const flag = flags[t];
    if (flag) {
      i++;
      return flag;
    }
    const make = values[t];
    if (!make) return fail(`unknown term "${tokens[i]}" (${valid()})`);
    i++;
    const value = tokens[i];
    if (value === undefined || value === "(" || value === ")") return fail(`"${t}" needs a value`);
    i++;
    return make(value);
  }

  function andExpr(): Predicate {
    let left = primary();
    for (;;) {
      const t = peek();
      if (t === "and" || t === "&&") {
        i++;
      } else if (t === undefined || t === "or" || t === "||" || t === ")") {
        return left;
      }
      const right = primary();
      const l = left;
      left = (c) => l(c) && right(c);
    }
  }

  function orExpr(): Predicate {
    let left = andExpr();
    while (peek() === "or" || peek() === "||") {
      i++;
      const right = andExpr();
      const l = left;
      left = (c) => l(c) || right(c);
    }
    return left;
  }

  if (tokens.length === 0) return () => true;
  const predicate = orExpr();
  if (i < tokens.length) fail(`unexpected "${tokens[i]}"`);
  return predicate;
}
