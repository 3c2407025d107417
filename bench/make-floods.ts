/**
 * Writes the synthetic captures of `npm run bench -- --suite busy` (issue 17): pcap bytes built
 * here directly, Ethernet/IPv4/TCP with correct IP and TCP checksums (analyze samples TCP
 * checksums as vantage evidence), the same bytes on every run. Each frame's timestamp is a
 * function of its index, so the files are deterministic.
 *
 * - short-conns: N short HTTP/1.1 connections (default 500,000), 9 packets each: SYN, SYN/ACK,
 *   ACK, `GET` with `Connection: close`, the 200 response, the client's ACK, the server's FIN,
 *   the client's FIN, the last ACK. Clients from 10.1.0.0/16 (200 addresses, ports counting up),
 *   one new connection every 20 µs, each lasting ~4 ms, so ~200 are open at once.
 * - syn-flood: N SYNs (default 2,000,000) to one server port from distinct source address/port
 *   pairs (198.18.0.0/16, ports counting up as hping3's do), 5 µs apart, none answered.
 * - pipelined: N requests (default 1,000,000) pipelined on one keep-alive connection: the client
 *   sends a request every 10 µs, the server answers each 50 µs after it arrived (5 outstanding),
 *   each segment acknowledging what the other side has sent; then both FINs.
 *
 * Usage: npx tsx bench/make-floods.ts [--out-dir bench/data] [--scale F] [--only NAME,...]
 *   (--scale 0.1 writes a tenth of every count, for a quick check of the bench)
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { flagValue } from "./args.ts";

export interface Flood {
  name: string;
  /** What the capture holds, at full scale. */
  count: number;
  what: string;
  write(path: string, count: number): { packets: number; bytes: number };
}

const ETH = 14;
const IP = 20;
const TCP = 20;
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

/** A pcap file written through one large buffer: records appended, flushed when full. */
class PcapWriter {
  private readonly buf = Buffer.alloc(8 << 20);
  private at = 0;
  private readonly fd: number;
  packets = 0;
  bytes = 0;
  /** The frame under construction (headers filled in place by `frame`). */
  private readonly frameBuf = Buffer.alloc(2048);

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b23c4d, 0); // nanosecond timestamps
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262_144, 16);
    h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.put(h);
  }

  private put(bytes: Uint8Array): void {
    if (this.at + bytes.length > this.buf.length) this.flush();
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
    this.bytes += bytes.length;
  }

  private flush(): void {
    let done = 0;
    while (done < this.at) done += writeSync(this.fd, this.buf, done, this.at - done);
    this.at = 0;
  }

  /**
   * One Ethernet/IPv4/TCP frame at `timeNs` (ns since the epoch of the capture's first second).
   * Addresses are 32-bit numbers; `mss` adds an MSS option (SYNs).
   */
  frame(
    timeNs: number,
    src: number,
    dst: number,
    sport: number,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    payload: Uint8Array | undefined,
    mss = 0,
    ipId = 0,
  ): void {
    const f = this.frameBuf;
    const tcpLen = TCP + (mss ? 4 : 0);
    const payloadLen = payload ? payload.length : 0;
    const len = ETH + IP + tcpLen + payloadLen;
    // Ethernet: the server's and client's MACs by direction are not needed; two fixed ones.
    f.writeUInt32BE(0x02000000, 0);
    f.writeUInt16BE(dst & 0xffff, 4);
    f.writeUInt32BE(0x02000000, 6);
    f.writeUInt16BE(src & 0xffff, 10);
    f.writeUInt16BE(0x0800, 12);
    // IPv4
    const ip = ETH;
    f[ip] = 0x45;
    f[ip + 1] = 0;
    f.writeUInt16BE(IP + tcpLen + payloadLen, ip + 2);
    f.writeUInt16BE(ipId & 0xffff, ip + 4);
    f.writeUInt16BE(0x4000, ip + 6); // DF
    f[ip + 8] = 64;
    f[ip + 9] = 6;
    f.writeUInt16BE(0, ip + 10);
    f.writeUInt32BE(src >>> 0, ip + 12);
    f.writeUInt32BE(dst >>> 0, ip + 16);
    let sum = 0;
    for (let i = ip; i < ip + IP; i += 2) sum += (f[i]! << 8) | f[i + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    f.writeUInt16BE(~sum & 0xffff, ip + 10);
    // TCP
    const t = ip + IP;
    f.writeUInt16BE(sport, t);
    f.writeUInt16BE(dport, t + 2);
    f.writeUInt32BE(seq >>> 0, t + 4);
    f.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, t + 8);
    f[t + 12] = (tcpLen / 4) << 4;
    f[t + 13] = flags;
    f.writeUInt16BE(65_535, t + 14);
    f.writeUInt16BE(0, t + 16);
    f.writeUInt16BE(0, t + 18);
    if (mss) {
      f[t + 20] = 2;
      f[t + 21] = 4;
      f.writeUInt16BE(mss, t + 22);
    }
    if (payload) f.set(payload, t + tcpLen);
    const segLen = tcpLen + payloadLen;
    sum = 6 + segLen;
    sum += (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    const end = t + segLen;
    let i = t;
    for (; i + 1 < end; i += 2) sum += (f[i]! << 8) | f[i + 1]!;
    if (i < end) sum += f[i]! << 8;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    f.writeUInt16BE(~sum & 0xffff, t + 16);
    // Record header.
    if (this.at + 16 + len > this.buf.length) this.flush();
    const b = this.buf;
    const sec = Math.floor(timeNs / 1e9);
    b.writeUInt32LE(START_SEC + sec, this.at);
    b.writeUInt32LE(Math.round(timeNs - sec * 1e9), this.at + 4);
    b.writeUInt32LE(len, this.at + 8);
    b.writeUInt32LE(len, this.at + 12);
    this.at += 16;
    f.copy(b, this.at, 0, len);
    this.at += len;
    this.bytes += 16 + len;
    this.packets++;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** 2026-01-01T00:00:00Z: every synthetic capture starts there. */
const START_SEC = 1_767_225_600;
const ip4 = (a: number, b: number, c: number, d: number) =>
  ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const SERVER = ip4(10, 0, 0, 1);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

/** A small binary min-heap of [timeNs, id] pairs (ties broken by id, so the order is fixed). */
class Heap {
  private readonly times: number[] = [];
  private readonly ids: number[] = [];
  get size(): number {
    return this.times.length;
  }
  private less(i: number, j: number): boolean {
    const a = this.times[i]!;
    const b = this.times[j]!;
    return a < b || (a === b && this.ids[i]! < this.ids[j]!);
  }
  private swap(i: number, j: number): void {
    [this.times[i], this.times[j]] = [this.times[j]!, this.times[i]!];
    [this.ids[i], this.ids[j]] = [this.ids[j]!, this.ids[i]!];
  }
  push(time: number, id: number): void {
    this.times.push(time);
    this.ids.push(id);
    let i = this.times.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  /** The earliest entry's time. */
  peekTime(): number {
    return this.times[0]!;
  }
  /** The earliest entry's id (its time in `lastTime`), removed. */
  lastTime = 0;
  pop(): number {
    const id = this.ids[0]!;
    this.lastTime = this.times[0]!;
    const t = this.times.pop()!;
    const d = this.ids.pop()!;
    if (this.times.length > 0) {
      this.times[0] = t;
      this.ids[0] = d;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.times.length && this.less(l, m)) m = l;
        if (r < this.times.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return id;
  }
}

const SHORT_REQUEST = ascii(
  "GET /health HTTP/1.1\r\nHost: api.example\r\nConnection: close\r\n\r\n",
);
const SHORT_RESPONSE = ascii(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
);
/** Offsets (ns) of the 9 packets of a short connection from its SYN: RTT 1 ms, think 2 ms. */
const SHORT_STEPS_NS = [0, 500e3, 1000e3, 1010e3, 3510e3, 4010e3, 3520e3, 4020e3, 4520e3];
/** The steps in time order (the server's FIN, step 6, leaves before the client's ACK, step 5). */
const SHORT_ORDER = [0, 1, 2, 3, 4, 6, 5, 7, 8];

function writeShortConns(path: string, count: number) {
  const w = new PcapWriter(path);
  const gapNs = 20e3;
  const heap = new Heap();
  /** Per connection: the index of its next step in SHORT_ORDER. */
  const next = new Uint8Array(count);
  let started = 0;
  const clientOf = (i: number) => ip4(10, 1, 1, 1 + (i % 200));
  const portOf = (i: number) => 1024 + (Math.floor(i / 200) % 64_000);
  while (started < count || heap.size > 0) {
    // Start every connection whose SYN is due before the heap's next packet.
    if (started < count && (heap.size === 0 || started * gapNs <= heap.peekTime())) {
      heap.push(started * gapNs, started);
      started++;
      continue;
    }
    const i = heap.pop();
    const t = heap.lastTime;
    const step = SHORT_ORDER[next[i]!]!;
    next[i]!++;
    const c = clientOf(i);
    const cp = portOf(i);
    const cIsn = (i * 2_654_435_761) >>> 0;
    const sIsn = (i * 40_503 + 12_345) >>> 0;
    const q = SHORT_REQUEST.length;
    const r = SHORT_RESPONSE.length;
    const id = i & 0xffff;
    switch (step) {
      case 0:
        w.frame(t, c, SERVER, cp, 80, cIsn, 0, SYN, undefined, 1460, id);
        break;
      case 1:
        w.frame(t, SERVER, c, 80, cp, sIsn, cIsn + 1, SYN | ACK, undefined, 1460, id);
        break;
      case 2:
        w.frame(t, c, SERVER, cp, 80, cIsn + 1, sIsn + 1, ACK, undefined, 0, id + 1);
        break;
      case 3:
        w.frame(t, c, SERVER, cp, 80, cIsn + 1, sIsn + 1, PSH | ACK, SHORT_REQUEST, 0, id + 2);
        break;
      case 4:
        w.frame(t, SERVER, c, 80, cp, sIsn + 1, cIsn + 1 + q, PSH | ACK, SHORT_RESPONSE, 0, id + 1);
        break;
      case 6:
        w.frame(t, SERVER, c, 80, cp, sIsn + 1 + r, cIsn + 1 + q, FIN | ACK, undefined, 0, id + 2);
        break;
      case 5:
        w.frame(t, c, SERVER, cp, 80, cIsn + 1 + q, sIsn + 1 + r, ACK, undefined, 0, id + 3);
        break;
      case 7:
        w.frame(t, c, SERVER, cp, 80, cIsn + 1 + q, sIsn + 2 + r, FIN | ACK, undefined, 0, id + 4);
        break;
      case 8:
        w.frame(t, SERVER, c, 80, cp, sIsn + 2 + r, cIsn + 2 + q, ACK, undefined, 0, id + 3);
        break;
    }
    if (next[i]! < SHORT_ORDER.length) {
      heap.push(i * gapNs + SHORT_STEPS_NS[SHORT_ORDER[next[i]!]!]!, i);
    }
  }
  w.close();
  return { packets: w.packets, bytes: w.bytes };
}

function writeSynFlood(path: string, count: number) {
  const w = new PcapWriter(path);
  for (let i = 0; i < count; i++) {
    // 7919 is odd, so i -> address is a bijection mod 2^16; with ports cycling mod 64,512 the
    // pair repeats only after lcm(65,536, 64,512) = 4.1 M SYNs.
    const a = (i * 7919) & 0xffff;
    const src = ip4(198, 18, a >>> 8, a & 0xff);
    const sport = 1024 + (i % 64_512);
    w.frame(i * 5e3, src, SERVER, sport, 80, (i * 2_654_435_761) >>> 0, 0, SYN, undefined, 1460, i);
  }
  w.close();
  return { packets: w.packets, bytes: w.bytes };
}

function writePipelined(path: string, count: number) {
  const w = new PcapWriter(path);
  const client = ip4(10, 1, 0, 7);
  const cp = 40_000;
  const cIsn = 1_000_000;
  const sIsn = 2_000_000;
  const request = (i: number) =>
    ascii(`GET /item/${i} HTTP/1.1\r\nHost: api.example\r\nAccept: */*\r\n\r\n`);
  const body = "x".repeat(64);
  const response = ascii(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  // Handshake at 0, 0.5 ms, 1 ms; request i at 1 ms + 10 µs·i; its response 50 µs later.
  const t0 = 1e6;
  const gapNs = 10e3;
  const thinkNs = 50e3;
  let cSent = 0; // client payload bytes sent so far
  let sSent = 0;
  let cId = 0;
  let sId = 0;
  w.frame(0, client, SERVER, cp, 80, cIsn, 0, SYN, undefined, 1460, cId++);
  w.frame(500e3, SERVER, client, 80, cp, sIsn, cIsn + 1, SYN | ACK, undefined, 1460, sId++);
  w.frame(t0 - 10e3, client, SERVER, cp, 80, cIsn + 1, sIsn + 1, ACK, undefined, 0, cId++);
  let q = 0; // next request to send
  let r = 0; // next response to send
  while (r < count) {
    const tq = q < count ? t0 + q * gapNs : Number.POSITIVE_INFINITY;
    const tr = t0 + r * gapNs + thinkNs;
    if (tq <= tr) {
      const p = request(q);
      w.frame(
        tq,
        client,
        SERVER,
        cp,
        80,
        cIsn + 1 + cSent,
        sIsn + 1 + sSent,
        PSH | ACK,
        p,
        0,
        cId++,
      );
      cSent += p.length;
      q++;
    } else {
      w.frame(
        tr,
        SERVER,
        client,
        80,
        cp,
        sIsn + 1 + sSent,
        cIsn + 1 + cSent,
        PSH | ACK,
        response,
        0,
        sId++,
      );
      sSent += response.length;
      r++;
    }
  }
  const tEnd = t0 + count * gapNs + thinkNs + 1e6;
  const cs = cIsn + 1 + cSent;
  const ss = sIsn + 1 + sSent;
  w.frame(tEnd, client, SERVER, cp, 80, cs, ss, FIN | ACK, undefined, 0, cId++);
  w.frame(tEnd + 500e3, SERVER, client, 80, cp, ss, cs + 1, FIN | ACK, undefined, 0, sId++);
  w.frame(tEnd + 1e6, client, SERVER, cp, 80, cs + 1, ss + 1, ACK, undefined, 0, cId++);
  w.close();
  return { packets: w.packets, bytes: w.bytes };
}

export const FLOODS: Flood[] = [
  {
    name: "short-conns",
    count: 500_000,
    what: "short HTTP connections (9 packets each, Connection: close)",
    write: writeShortConns,
  },
  {
    name: "syn-flood",
    count: 2_000_000,
    what: "SYNs from distinct source address/port pairs, none answered",
    write: writeSynFlood,
  },
  {
    name: "pipelined",
    count: 1_000_000,
    what: "pipelined requests on one keep-alive connection",
    write: writePipelined,
  },
];

/** The file a flood is written to at `scale` (full scale: bench/data/flood-NAME.pcap). */
export function floodPath(dir: string, name: string, scale: number): string {
  return join(dir, scale === 1 ? `flood-${name}.pcap` : `flood-${name}-x${scale}.pcap`);
}

/** Writes one flood (to a temporary name first, so a stopped run leaves no half file). */
export function makeFlood(flood: Flood, dir: string, scale: number): string {
  mkdirSync(dir, { recursive: true });
  const path = floodPath(dir, flood.name, scale);
  const count = Math.max(1, Math.round(flood.count * scale));
  const started = Date.now();
  const { packets, bytes } = flood.write(`${path}.partial`, count);
  renameSync(`${path}.partial`, path);
  console.error(
    `bench: wrote ${path}: ${count.toLocaleString("en-US")} ${flood.what}, ${packets.toLocaleString("en-US")} packets, ${(bytes / 1e6).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = flagValue(args, "--out-dir") ?? "bench/data";
  const scale = Number(flagValue(args, "--scale") ?? "1");
  if (!(scale > 0 && scale <= 1)) {
    console.error(`bench: --scale must be in (0, 1] (got "${flagValue(args, "--scale")}")`);
    process.exit(2);
  }
  const only = flagValue(args, "--only")?.split(",");
  for (const flood of FLOODS) {
    if (!only || only.includes(flood.name)) makeFlood(flood, dir, scale);
  }
}
