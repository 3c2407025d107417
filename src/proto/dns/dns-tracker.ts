/**
 * Matches DNS queries with their responses, per client (address, port) and ID, checking the
 * question name (RFC 5452 §9.1: a resolver accepts a response only when ID, question and addresses
 * match). A query re-sent with the same ID and name, to the same server or another one, is a retry
 * of the same lookup; the latency the client saw runs from its first query.
 *
 * Fed one message at a time (UDP datagrams, or messages out of DnsTcpParser). Bounded: at most
 * MAX_PENDING lookups wait for answers; the oldest is reported unanswered when more arrive.
 */
import type { ProtoSink } from "../types.ts";
import { dnsRcodeName, dnsTypeName, parseDnsMessage } from "./dns-message.ts";
import type { DnsTransaction } from "./dns-transaction.ts";

/** Lookups waiting for an answer. A stub resolver has a few; a busy resolver's capture, thousands. */
export const MAX_PENDING = 10_000;
/**
 * A response is kept matchable this long after it arrives, to count duplicates and late answers to
 * retries rather than report them as unsolicited. 10 s exceeds every stub resolver's total
 * timeout (glibc: 5 s × attempts, resolv.conf(5)).
 */
const ANSWERED_LINGER_MS = 10_000;
const MAX_RETRY_FRAMES = 16;
/**
 * The longest a stub resolver waits for an answer before its first retry: glibc's RES_TIMEOUT
 * (5 s, resolv.conf(5) `timeout:`); Windows and musl retry sooner. An unanswered query younger than
 * this when the capture ends may still have been answered.
 */
export const DNS_FIRST_RETRY_MAX_MS = 5000;

interface Pending {
  tx: DnsTransaction;
  servers: Map<string, number>;
  lastQueryTimeMs: number;
}

export class DnsTracker {
  private readonly sink: ProtoSink;
  private readonly pending = new Map<string, Pending>();
  /** Messages that were not DNS (or not parseable). */
  malformed = 0;

  constructor(sink: ProtoSink) {
    this.sink = sink;
  }

  /**
   * One DNS message from `src` to `dst` ("address port" strings). Queries and responses are told
   * apart by the QR bit, so the caller need not know which side is the server.
   */
  onMessage(
    transport: "udp" | "tcp",
    src: string,
    dst: string,
    bytes: Uint8Array,
    frame: number,
    timeMs: number,
  ): void {
    const m = parseDnsMessage(bytes, 0, bytes.length);
    if (m.problem === "dns-short-message") {
      this.malformed++;
      this.sink.anomaly({
        name: m.problem,
        dir: 0,
        offsetBytes: -1,
        frame,
        timeMs,
        detail: `${bytes.length} bytes`,
      });
      return;
    }
    if (m.problem !== "") {
      this.malformed++;
      this.sink.anomaly({
        name: m.problem,
        dir: m.isResponse ? 1 : 0,
        offsetBytes: -1,
        frame,
        timeMs,
        detail: `id ${m.id}`,
      });
      if (m.qname === "") return;
    }
    this.expire(timeMs);
    const client = m.isResponse ? dst : src;
    const server = m.isResponse ? src : dst;
    const key = `${transport} ${client} ${m.id}`;
    const p = this.pending.get(key);
    if (!m.isResponse) {
      if (p !== undefined && !p.tx.answered && p.tx.qname === m.qname && p.tx.qtype === m.qtype) {
        const tx = p.tx;
        tx.retries++;
        if (tx.retryFrames.length < MAX_RETRY_FRAMES) {
          tx.retryFrames.push(frame);
          tx.retryIntervalsMs.push(timeMs - p.lastQueryTimeMs);
        }
        p.lastQueryTimeMs = timeMs;
        if (!p.servers.has(server)) p.servers.set(server, timeMs);
        tx.serversAsked = p.servers.size;
        return;
      }
      if (p !== undefined) this.report(key, p);
      if (this.pending.size >= MAX_PENDING) {
        const [oldestKey, oldest] = this.pending.entries().next().value as [string, Pending];
        this.report(oldestKey, oldest);
      }
      const tx: DnsTransaction = {
        protocol: "dns",
        kind: "transaction",
        transport,
        client,
        server,
        id: m.id,
        qname: m.qname,
        qtype: m.qtype,
        qtypeName: dnsTypeName(m.qtype),
        queryFrame: frame,
        queryTimeMs: timeMs,
        retries: 0,
        retryFrames: [],
        retryIntervalsMs: [],
        serversAsked: 1,
        answered: false,
        responseFrame: -1,
        responseTimeMs: 0,
        latencyMs: -1,
        serverLatencyMs: -1,
        rcode: -1,
        rcodeName: "",
        truncated: false,
        answerCount: 0,
        addresses: [],
        cnames: [],
        extraResponses: 0,
      };
      this.pending.set(key, { tx, servers: new Map([[server, timeMs]]), lastQueryTimeMs: timeMs });
      return;
    }
    if (p === undefined || p.tx.qname !== m.qname) {
      this.sink.anomaly({
        name: "dns-unsolicited-response",
        dir: 1,
        offsetBytes: -1,
        frame,
        timeMs,
        detail: `id ${m.id} ${m.qname}`,
      });
      return;
    }
    const tx = p.tx;
    if (tx.answered) {
      tx.extraResponses++;
      return;
    }
    tx.answered = true;
    tx.server = server;
    tx.responseFrame = frame;
    tx.responseTimeMs = timeMs;
    tx.latencyMs = timeMs - tx.queryTimeMs;
    const asked = p.servers.get(server);
    tx.serverLatencyMs = asked === undefined ? tx.latencyMs : timeMs - asked;
    tx.rcode = m.rcode;
    tx.rcodeName = dnsRcodeName(m.rcode);
    tx.truncated = m.truncated;
    tx.answerCount = m.answerCount;
    tx.addresses = m.addresses;
    tx.cnames = m.cnames;
    // Report now (the exchange stage needs it while the connection it resolved is being read),
    // and keep the key a while to recognise duplicates.
    this.sink.message(tx);
    p.lastQueryTimeMs = timeMs;
  }

  /**
   * Reports every lookup still waiting (end of capture). `captureEndMs` is the capture's last
   * packet: a lookup asked less than DNS_FIRST_RETRY_MAX_MS before it, and not yet retried, is
   * marked in progress rather than unanswered.
   */
  finish(captureEndMs = Number.POSITIVE_INFINITY): void {
    for (const [key, p] of this.pending) {
      const leftMs = captureEndMs - p.lastQueryTimeMs;
      if (!p.tx.answered && p.tx.retries === 0 && leftMs < DNS_FIRST_RETRY_MAX_MS) {
        p.tx.pendingAtCaptureEndMs = Math.round(Math.max(0, leftMs) * 1e6) / 1e6;
      }
      this.report(key, p);
    }
  }

  private report(key: string, p: Pending): void {
    this.pending.delete(key);
    if (!p.tx.answered) this.sink.message(p.tx);
  }

  /** Forgets answered lookups older than the linger time (pending ones stay until finish/evict). */
  private expire(nowMs: number): void {
    for (const [key, p] of this.pending) {
      if (nowMs - p.lastQueryTimeMs <= ANSWERED_LINGER_MS) break;
      if (p.tx.answered) this.pending.delete(key);
      else break;
    }
  }
}
