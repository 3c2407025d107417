/**
 * Links a DNS answer to the TCP connection it led to: the same client host, a server address the
 * answer gave (A or AAAA), and a first SYN soon after the answer. The connection's first exchange
 * then starts at the query with a "dns" phase (the Happy Eyeballs and curl timelines do the same:
 * time_namelookup precedes time_connect).
 *
 * Bounded: answers older than DNS_LINK_WINDOW_MS are forgotten as time goes on, and at most
 * MAX_LINKABLE_ANSWERS addresses are kept (the oldest go first).
 */
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";

/**
 * A connection opened this long after the answer is still linked to it. 10 s: longer than any
 * resolver-to-connect step of a client library (they connect at once; Happy Eyeballs' fallback
 * waits 250 ms, RFC 8305 §5) yet short enough that a later, unrelated connection to the same address
 * (after a cached lookup) is not charged for an old lookup.
 */
export const DNS_LINK_WINDOW_MS = 10_000;
/** Addresses remembered at once; a busy resolver's capture holds many more lookups than that. */
export const MAX_LINKABLE_ANSWERS = 4096;

export interface DnsLink {
  tx: DnsTransaction;
  /** The id of the DNS exchange emitted for `tx`. */
  exchangeId: number;
}

/** "client address" of a DNS transaction: its "address port" without the port. */
function hostOf(endpoint: string): string {
  const space = endpoint.lastIndexOf(" ");
  return space < 0 ? endpoint : endpoint.slice(0, space);
}

export class DnsLinks {
  private readonly byKey = new Map<string, DnsLink>();

  get size(): number {
    return this.byKey.size;
  }

  /** Remembers an answered lookup's addresses. */
  add(tx: DnsTransaction, exchangeId: number): void {
    if (!tx.answered || tx.addresses.length === 0) return;
    const client = hostOf(tx.client);
    const link: DnsLink = { tx, exchangeId };
    for (const address of tx.addresses) {
      const key = `${client}>${address}`;
      // Re-inserting moves the key to the end of the Map's order (newest).
      this.byKey.delete(key);
      this.byKey.set(key, link);
    }
    while (this.byKey.size > MAX_LINKABLE_ANSWERS) {
      const oldest = this.byKey.keys().next().value as string;
      this.byKey.delete(oldest);
    }
  }

  /**
   * The lookup that gave `server` to `client` at most DNS_LINK_WINDOW_MS before `synTimeMs`, if
   * any; a link is used once (a second connection to the address reused the lookup: its
   * client cache or pool, not a new resolution).
   */
  take(client: string, server: string, synTimeMs: number): DnsLink | undefined {
    this.expire(synTimeMs);
    const key = `${client}>${server}`;
    const link = this.byKey.get(key);
    if (link === undefined) return undefined;
    const answeredMs = link.tx.responseTimeMs;
    if (answeredMs > synTimeMs || synTimeMs - answeredMs > DNS_LINK_WINDOW_MS) return undefined;
    this.byKey.delete(key);
    return link;
  }

  private expire(nowMs: number): void {
    for (const [key, link] of this.byKey) {
      if (nowMs - link.tx.responseTimeMs <= DNS_LINK_WINDOW_MS) return;
      this.byKey.delete(key);
    }
  }
}
