/**
 * The DNS phase. Without --dns-server it asks the system resolver (getaddrinfo via dns.lookup, as
 * curl and browsers do, so /etc/hosts and nsswitch apply). With --dns-server it asks that server
 * directly over UDP (c-ares via dns.Resolver, one try), which tells NXDOMAIN, SERVFAIL and
 * silence apart; getaddrinfo folds SERVFAIL and timeout into one EAI_AGAIN.
 */
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { ProbeError } from "./probe-error.ts";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type ResolveOutcome =
  | { ok: true; addresses: ResolvedAddress[] }
  | { ok: false; code: string; message: string };

/** Validates "ADDR", "ADDR:PORT" or "[V6]:PORT" and returns it in the form c-ares takes. */
export function parseDnsServer(text: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let host = text;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2];
  } else if (isIP(text) === 0) {
    const colon = text.lastIndexOf(":");
    if (colon > 0) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    }
  }
  const family = isIP(host);
  const portNumber = port === undefined ? 53 : Number(port);
  if (family === 0 || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new ProbeError(
      "WW_ERR_BAD_OPTION",
      `--dns-server: expected ADDR, ADDR:PORT or [IPV6]:PORT, got "${text}"`,
    );
  }
  return family === 6 ? `[${host}]:${portNumber}` : `${host}:${portNumber}`;
}

export async function resolveName(
  hostname: string,
  family: 4 | 6 | undefined,
  dnsServer: string | undefined,
  timeoutMs: number,
): Promise<ResolveOutcome> {
  return dnsServer === undefined
    ? systemLookup(hostname, family, timeoutMs)
    : askServer(hostname, family, dnsServer, timeoutMs);
}

async function systemLookup(
  hostname: string,
  family: 4 | 6 | undefined,
  timeoutMs: number,
): Promise<ResolveOutcome> {
  // getaddrinfo cannot be cancelled: on timeout the lookup finishes in the thread pool, unused.
  const lookup = dnsPromises
    .lookup(hostname, { all: true, family: family ?? 0, verbatim: true })
    .then(
      (list): ResolveOutcome => ({
        ok: true,
        addresses: list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })),
      }),
      (error: NodeJS.ErrnoException): ResolveOutcome => ({
        ok: false,
        code: error.code ?? "EDNS",
        message: error.message,
      }),
    );
  return raceTimeout(lookup, timeoutMs, () => undefined);
}

async function askServer(
  hostname: string,
  family: 4 | 6 | undefined,
  server: string,
  timeoutMs: number,
): Promise<ResolveOutcome> {
  const resolver = new dnsPromises.Resolver({
    timeout: Math.max(1, Math.round(timeoutMs)),
    tries: 1,
  });
  resolver.setServers([server]);
  const ask = (rrFamily: 4 | 6): Promise<ResolveOutcome> =>
    (rrFamily === 4 ? resolver.resolve4(hostname) : resolver.resolve6(hostname)).then(
      (list): ResolveOutcome => ({
        ok: true,
        addresses: list.map((address) => ({ address, family: rrFamily })),
      }),
      (error: NodeJS.ErrnoException): ResolveOutcome => ({
        ok: false,
        code: error.code ?? "EDNS",
        message: error.message,
      }),
    );
  // AAAA first, then A: the order getaddrinfo's RFC 6724 default policy gives.
  const families: (4 | 6)[] = family === undefined ? [6, 4] : [family];
  const both = Promise.all(families.map(ask)).then((outcomes) => mergeOutcomes(outcomes));
  return raceTimeout(both, timeoutMs + 50, () => resolver.cancel());
}

/**
 * Addresses from any family win. Otherwise the most telling failure: NXDOMAIN (the name does not
 * exist at all) over SERVFAIL over a timeout over NODATA (the name exists, without this type).
 */
const FAILURE_RANK = ["ENOTFOUND", "ESERVFAIL", "EREFUSED", "ETIMEOUT", "ECONNREFUSED"];

function mergeOutcomes(outcomes: ResolveOutcome[]): ResolveOutcome {
  const addresses: ResolvedAddress[] = [];
  for (const o of outcomes) if (o.ok) addresses.push(...o.addresses);
  if (addresses.length > 0) return { ok: true, addresses };
  const failures = outcomes.filter((o): o is Extract<ResolveOutcome, { ok: false }> => !o.ok);
  if (failures.length === 0) return { ok: false, code: "ENODATA", message: "no address records" };
  const rank = (code: string) => {
    const i = FAILURE_RANK.indexOf(code);
    return i < 0 ? FAILURE_RANK.length : i;
  };
  failures.sort((a, b) => rank(a.code) - rank(b.code));
  return failures[0];
}

function raceTimeout(
  work: Promise<ResolveOutcome>,
  timeoutMs: number,
  onTimeout: () => void,
): Promise<ResolveOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ResolveOutcome>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve({ ok: false, code: "ETIMEOUT", message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
