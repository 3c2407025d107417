/**
 * Test helper: writes synthetic TCP captures (floods, scans, many short connections) with the
 * project's own pcap writer (capture/testing/capture-bytes.ts). Every frame is built here:
 * Ethernet, IPv4 (documentation and private addresses), TCP without options, no payload unless
 * given. Nothing is cut from any recorded capture.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PcapRecord, pcapFile } from "../../capture/testing/capture-bytes.ts";
import { TcpFlag } from "../../decode/types.ts";

export interface SyntheticSegment {
  /** Microseconds since the capture's start. */
  atUs: number;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  payload?: Uint8Array;
}

/** 10.0.0.0/8 and 192.0.2.0/24 addresses as 32-bit numbers. */
export function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function frame(s: SyntheticSegment): Uint8Array {
  const payloadLen = s.payload?.length ?? 0;
  const f = new Uint8Array(54 + payloadLen);
  const v = new DataView(f.buffer);
  f[0] = 2; // locally administered MACs
  f[6] = 4;
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 40 + payloadLen);
  f[22] = 64; // TTL
  f[23] = 6; // TCP
  v.setUint32(26, s.src);
  v.setUint32(30, s.dst);
  v.setUint16(34, s.sport);
  v.setUint16(36, s.dport);
  v.setUint32(38, s.seq >>> 0);
  v.setUint32(42, s.ack >>> 0);
  f[46] = 0x50;
  f[47] = s.flags;
  v.setUint16(48, 64240);
  if (s.payload) f.set(s.payload, 54);
  return f;
}

/** The segments as a pcap file in a fresh temporary directory; returns its path. */
export function writeSyntheticPcap(name: string, segments: readonly SyntheticSegment[]): string {
  const records: PcapRecord[] = segments.map((s) => ({
    sec: 1_700_000_000 + Math.floor(s.atUs / 1e6),
    fraction: s.atUs % 1e6,
    data: frame(s),
  }));
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-synthetic-"));
  const path = join(dir, name);
  writeFileSync(path, pcapFile({}, records));
  return path;
}

/**
 * `n` SYNs to one server port, `everyUs` apart, from `sources` addresses cycling through source
 * ports; answered by RST/ACK when `refused`, else never.
 */
export function synFlood(
  n: number,
  options: { server: number; port: number; sources: number; everyUs: number; refused?: boolean },
): SyntheticSegment[] {
  const out: SyntheticSegment[] = [];
  for (let i = 0; i < n; i++) {
    const src = ipv4(10, 1, (i % options.sources) >> 8, (i % options.sources) & 0xff);
    const sport = 1024 + (Math.floor(i / options.sources) % 60000);
    const seq = Math.imul(i + 1, 2654435761) >>> 0;
    const atUs = i * options.everyUs;
    out.push({
      atUs,
      src,
      dst: options.server,
      sport,
      dport: options.port,
      seq,
      ack: 0,
      flags: TcpFlag.SYN,
    });
    if (options.refused) {
      out.push({
        atUs: atUs + 1,
        src: options.server,
        dst: src,
        sport: options.port,
        dport: sport,
        seq: 0,
        ack: (seq + 1) >>> 0,
        flags: TcpFlag.RST | TcpFlag.ACK,
      });
    }
  }
  return out;
}

/**
 * One source trying `ports` destination ports on one host, `everyUs` apart, each refused with
 * RST/ACK (nothing listens) or, with `unanswered`, dropped.
 */
export function portScan(
  ports: number,
  options: { source: number; host: number; everyUs: number; unanswered?: boolean },
): SyntheticSegment[] {
  const out: SyntheticSegment[] = [];
  for (let i = 0; i < ports; i++) {
    const seq = Math.imul(i + 7, 2654435761) >>> 0;
    const atUs = i * options.everyUs;
    const sport = 40000 + (i % 20000);
    const dport = 1 + i;
    out.push({
      atUs,
      src: options.source,
      dst: options.host,
      sport,
      dport,
      seq,
      ack: 0,
      flags: TcpFlag.SYN,
    });
    if (!options.unanswered) {
      out.push({
        atUs: atUs + 1,
        src: options.host,
        dst: options.source,
        sport: dport,
        dport: sport,
        seq: 0,
        ack: (seq + 1) >>> 0,
        flags: TcpFlag.RST | TcpFlag.ACK,
      });
    }
  }
  return out;
}

/** `n` connections to one server port that open (SYN, SYN/ACK, ACK) and are reset by the server. */
export function resetStorm(
  n: number,
  options: { server: number; port: number; clients: number; everyUs: number },
): SyntheticSegment[] {
  const out: SyntheticSegment[] = [];
  for (let i = 0; i < n; i++) {
    const client = ipv4(10, 2, (i % options.clients) >> 8, (i % options.clients) & 0xff);
    const cport = 1024 + (Math.floor(i / options.clients) % 60000);
    const cs = Math.imul(i + 3, 2654435761) >>> 0;
    const ss = Math.imul(i + 5, 40503) >>> 0;
    const t = i * options.everyUs;
    const { server, port } = options;
    const A = TcpFlag.ACK;
    out.push({
      atUs: t,
      src: client,
      dst: server,
      sport: cport,
      dport: port,
      seq: cs,
      ack: 0,
      flags: TcpFlag.SYN,
    });
    out.push({
      atUs: t + 1,
      src: server,
      dst: client,
      sport: port,
      dport: cport,
      seq: ss,
      ack: (cs + 1) >>> 0,
      flags: TcpFlag.SYN | A,
    });
    out.push({
      atUs: t + 2,
      src: client,
      dst: server,
      sport: cport,
      dport: port,
      seq: (cs + 1) >>> 0,
      ack: (ss + 1) >>> 0,
      flags: A,
    });
    out.push({
      atUs: t + 3,
      src: server,
      dst: client,
      sport: port,
      dport: cport,
      seq: (ss + 1) >>> 0,
      ack: (cs + 1) >>> 0,
      flags: TcpFlag.RST | A,
    });
  }
  return out;
}
