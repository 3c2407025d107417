/**
 * Builds a synthetic capture of one long TCP session: N request/response turns on a single
 * connection, for tests and measurements of per-request cost (work that must not grow with the
 * requests before it on the same connection). Three shapes:
 *  - "pipelined": HTTP/1.1 GETs in a steady pipeline, `pipelineDepth` always outstanding (or in
 *    bursts with idle gaps between them);
 *  - "sequential": HTTP/1.1 keep-alive, each request waits for the previous response;
 *  - "turns": a non-HTTP protocol on a port no parser claims, one line each way per turn.
 * Ethernet/IPv4/TCP frames with correct IP checksums (TCP checksums are left zero, as with
 * offloading), 1 ms between turns, each side acknowledging what it received.
 */
import { closeSync, openSync, writeSync } from "node:fs";

export type SessionShape = "pipelined" | "sequential" | "turns";

export interface SessionOptions {
  shape: SessionShape;
  requests: number;
  /** Requests in flight at once in the pipelined shape. */
  pipelineDepth?: number;
  /** Pipelined shape: bursts of `pipelineDepth` requests, then their responses, then an idle
   * gap (instead of a steady pipeline that is never idle). */
  bursts?: boolean;
  /** Bursts: each burst's requests in one segment, and its responses in one (as a
   * client writing its whole pipeline at once, and a server flushing its answers together). */
  coalesce?: boolean;
  /** The server's think time before each answer (default 200 us in bursts, 5 us steady). */
  thinkUs?: number;
  /**
   * Bursts and sequential: each response's head, the client's ACK of it, then its body this long
   * after (a server producing its body slowly: a stall every request, as slow-response-body sees).
   */
  stallUs?: number;
}

const CLIENT_IP = [10, 0, 0, 1];
const SERVER_IP = [10, 0, 0, 2];
const CLIENT_PORT = 40_000;
const HTTP_PORT = 80;
/** A port no parser claims: the session is read as generic turns. */
const TURNS_PORT = 7_777;
const MAC_CLIENT = [2, 0, 0, 0, 0, 1];
const MAC_SERVER = [2, 0, 0, 0, 0, 2];
const FLAG_FIN = 0x01;
const FLAG_SYN = 0x02;
const FLAG_PSH = 0x08;
const FLAG_ACK = 0x10;

interface Side {
  ip: number[];
  mac: number[];
  port: number;
  seq: number;
}

/** Writes pcap records into a growing buffer, flushed to a sink in chunks. */
class PcapSink {
  private buf = Buffer.alloc(1 << 20);
  private at = 0;
  private ipId = 1;
  constructor(private readonly flush: (chunk: Buffer) => void) {
    const h = this.reserve(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(262_144, 16);
    h.writeUInt32LE(1, 20);
  }

  private reserve(n: number): Buffer {
    if (this.at + n > this.buf.length) this.drain();
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  drain(): void {
    if (this.at > 0) this.flush(Buffer.from(this.buf.subarray(0, this.at)));
    this.at = 0;
  }

  segment(timeUs: number, from: Side, to: Side, flags: number, ack: number, data: Buffer): void {
    const tcpLen = 20;
    const ipLen = 20 + tcpLen + data.length;
    const frameLen = 14 + ipLen;
    const r = this.reserve(16 + frameLen);
    r.writeUInt32LE(Math.floor(timeUs / 1e6), 0);
    r.writeUInt32LE(timeUs % 1e6, 4);
    r.writeUInt32LE(frameLen, 8);
    r.writeUInt32LE(frameLen, 12);
    const f = r.subarray(16);
    for (let i = 0; i < 6; i++) {
      f[i] = to.mac[i];
      f[6 + i] = from.mac[i];
    }
    f.writeUInt16BE(0x0800, 12);
    const ip = f.subarray(14);
    ip[0] = 0x45;
    ip[1] = 0;
    ip.writeUInt16BE(ipLen, 2);
    ip.writeUInt16BE(this.ipId++ & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6);
    ip[8] = 64;
    ip[9] = 6;
    ip.writeUInt16BE(0, 10);
    for (let i = 0; i < 4; i++) {
      ip[12 + i] = from.ip[i];
      ip[16 + i] = to.ip[i];
    }
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const tcp = ip.subarray(20);
    tcp.writeUInt16BE(from.port, 0);
    tcp.writeUInt16BE(to.port, 2);
    tcp.writeUInt32BE(from.seq >>> 0, 4);
    tcp.writeUInt32BE(flags & FLAG_ACK ? ack >>> 0 : 0, 8);
    tcp[12] = (tcpLen / 4) << 4;
    tcp[13] = flags;
    tcp.writeUInt16BE(65_535, 14);
    tcp.writeUInt16BE(0, 16);
    tcp.writeUInt16BE(0, 18);
    data.copy(tcp, tcpLen);
    from.seq = (from.seq + data.length + (flags & (FLAG_SYN | FLAG_FIN) ? 1 : 0)) >>> 0;
  }
}

function httpRequest(i: number): Buffer {
  return Buffer.from(`GET /item/${i} HTTP/1.1\r\nHost: server\r\nUser-Agent: gen\r\n\r\n`);
}

function httpResponse(i: number): Buffer {
  const body = `item ${i}\n`;
  return Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

function turnRequest(i: number): Buffer {
  return Buffer.from(`ASK ${i}\n`);
}

function turnResponse(i: number): Buffer {
  return Buffer.from(`ANSWER ${i} ok\n`);
}

/** Streams the session's pcap bytes to `flush` in chunks of about a megabyte. */
export function writeSession(o: SessionOptions, flush: (chunk: Buffer) => void): void {
  const sink = new PcapSink(flush);
  const port = o.shape === "turns" ? TURNS_PORT : HTTP_PORT;
  const client: Side = { ip: CLIENT_IP, mac: MAC_CLIENT, port: CLIENT_PORT, seq: 1_000 };
  const server: Side = { ip: SERVER_IP, mac: MAC_SERVER, port, seq: 5_000_000 };
  const request = o.shape === "turns" ? turnRequest : httpRequest;
  const response = o.shape === "turns" ? turnResponse : httpResponse;
  const depth = o.shape === "pipelined" ? Math.max(1, o.pipelineDepth ?? 8) : 1;
  const empty = Buffer.alloc(0);
  let t = 1_700_000_000 * 1e6;
  sink.segment(t, client, server, FLAG_SYN, 0, empty);
  t += 100;
  sink.segment(t, server, client, FLAG_SYN | FLAG_ACK, client.seq, empty);
  t += 100;
  sink.segment(t, client, server, FLAG_ACK, server.seq, empty);
  if (o.shape === "pipelined" && !o.bursts) {
    // A steady pipeline: a request every 10 us, each answered 10 us * depth later, so `depth`
    // requests are always outstanding and the connection is never idle; every segment
    // acknowledges what the other side has sent.
    t += 1_000;
    const start = t;
    let q = 0;
    let r = 0;
    while (r < o.requests) {
      const tq = q < o.requests ? start + q * 10 : Number.POSITIVE_INFINITY;
      const tr = start + r * 10 + depth * 10 + (o.thinkUs ?? 5);
      if (tq <= tr) {
        t = tq;
        sink.segment(t, client, server, FLAG_PSH | FLAG_ACK, server.seq, request(q++));
      } else {
        t = tr;
        sink.segment(t, server, client, FLAG_PSH | FLAG_ACK, client.seq, response(r++));
      }
    }
  } else {
    for (let first = 0; first < o.requests; first += depth) {
      const last = Math.min(o.requests, first + depth);
      t += 1_000;
      if (o.coalesce) {
        const requests: Buffer[] = [];
        const responses: Buffer[] = [];
        for (let i = first; i < last; i++) {
          requests.push(request(i));
          responses.push(response(i));
        }
        sink.segment(t, client, server, FLAG_PSH | FLAG_ACK, server.seq, Buffer.concat(requests));
        t += o.thinkUs ?? 200;
        sink.segment(t, server, client, FLAG_PSH | FLAG_ACK, client.seq, Buffer.concat(responses));
      } else {
        for (let i = first; i < last; i++) {
          sink.segment(t, client, server, FLAG_PSH | FLAG_ACK, server.seq, request(i));
          t += 5;
        }
        t += o.thinkUs ?? 200;
        for (let i = first; i < last; i++) {
          const bytes = response(i);
          const split = o.stallUs === undefined ? -1 : bytes.indexOf("\r\n\r\n") + 4;
          if (split <= 0) {
            sink.segment(t, server, client, FLAG_PSH | FLAG_ACK, client.seq, bytes);
          } else {
            sink.segment(
              t,
              server,
              client,
              FLAG_PSH | FLAG_ACK,
              client.seq,
              bytes.subarray(0, split),
            );
            t += 50;
            sink.segment(t, client, server, FLAG_ACK, server.seq, empty);
            t += o.stallUs ?? 0;
            sink.segment(t, server, client, FLAG_PSH | FLAG_ACK, client.seq, bytes.subarray(split));
          }
          t += 5;
        }
      }
      t += 100;
      sink.segment(t, client, server, FLAG_ACK, server.seq, empty);
    }
  }
  t += 1_000;
  sink.segment(t, client, server, FLAG_FIN | FLAG_ACK, server.seq, empty);
  t += 100;
  sink.segment(t, server, client, FLAG_FIN | FLAG_ACK, client.seq, empty);
  t += 100;
  sink.segment(t, client, server, FLAG_ACK, server.seq, empty);
  sink.drain();
}

/** The whole session as one buffer (small N, for tests). */
export function sessionCapture(o: SessionOptions): Buffer {
  const chunks: Buffer[] = [];
  writeSession(o, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

/** Writes the session to a file. */
export function writeSessionFile(path: string, o: SessionOptions): void {
  const fd = openSync(path, "w");
  try {
    writeSession(o, (c) => writeSync(fd, c));
  } finally {
    closeSync(fd);
  }
}
