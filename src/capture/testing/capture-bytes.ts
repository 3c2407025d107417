/**
 * Builds small pcap and pcapng files byte by byte for the readers' tests: every header field is
 * written here explicitly, so a test can state exactly which field is wrong. The packet bytes the
 * tests put inside are their own (counters, or a frame recorded on this machine's loopback).
 */

export class ByteWriter {
  private readonly bytes: number[] = [];
  constructor(readonly littleEndian: boolean) {}

  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.littleEndian ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.littleEndian
      ? this.u16(v & 0xffff).u16(v >>> 16)
      : this.u16(v >>> 16).u16(v & 0xffff);
  }
  /** A 64-bit integer (option values, section length) in the writer's byte order. */
  u64(hi: number, lo: number): this {
    return this.littleEndian ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  /** A pcapng timestamp: the high 32-bit word first, then the low one, whatever the order. */
  timestamp(hi: number, lo: number): this {
    return this.u32(hi).u32(lo);
  }
  raw(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i] & 0xff);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `n` bytes counting up from `seed`: recognisable packet contents. */
export function payload(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed + i) & 0xff);
}

export interface PcapHeaderOptions {
  littleEndian?: boolean;
  nanosecond?: boolean;
  versionMajor?: number;
  versionMinor?: number;
  snapLen?: number;
  /** The whole link-type word, reserved and FCS bits included. */
  linkField?: number;
}

export function pcapHeader(o: PcapHeaderOptions = {}): Uint8Array {
  const w = new ByteWriter(o.littleEndian ?? true);
  return w
    .u32(o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(o.versionMajor ?? 2)
    .u16(o.versionMinor ?? 4)
    .u32(0)
    .u32(0)
    .u32(o.snapLen ?? 262_144)
    .u32(o.linkField ?? 1)
    .toBytes();
}

export interface PcapRecord {
  sec: number;
  fraction: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  originalLen?: number;
  /** Overrides the captured length field (to lie about it). */
  capLenField?: number;
}

export function pcapRecord(r: PcapRecord, littleEndian = true): Uint8Array {
  return new ByteWriter(littleEndian)
    .u32(r.sec)
    .u32(r.fraction)
    .u32(r.capLenField ?? r.data.length)
    .u32(r.originalLen ?? r.data.length)
    .raw(r.data)
    .toBytes();
}

export function pcapFile(header: PcapHeaderOptions, records: PcapRecord[]): Uint8Array {
  const le = header.littleEndian ?? true;
  return concat(pcapHeader(header), ...records.map((r) => pcapRecord(r, le)));
}

// ── pcapng ──

export type Option = [code: number, value: Uint8Array];

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function u32Bytes(v: number, littleEndian: boolean): Uint8Array {
  return new ByteWriter(littleEndian).u32(v).toBytes();
}

export function u64Bytes(hi: number, lo: number, littleEndian: boolean): Uint8Array {
  return new ByteWriter(littleEndian).u64(hi, lo).toBytes();
}

/** An options list ending with opt_endofopt (empty list: nothing). */
export function options(littleEndian: boolean, list: Option[]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const w = new ByteWriter(littleEndian);
  for (const [code, value] of list) w.u16(code).u16(value.length).raw(value).pad4();
  return w.u32(0).toBytes();
}

export interface BlockOverrides {
  /** Leading length field, if it should lie. */
  length?: number;
  /** Trailing length field, if it should lie. */
  trailer?: number;
}

/** type, total length, body (padded to 32 bits), total length. */
export function block(
  littleEndian: boolean,
  type: number,
  body: Uint8Array,
  o: BlockOverrides = {},
): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const w = new ByteWriter(littleEndian)
    .u32(type)
    .u32(o.length ?? total)
    .raw(body)
    .pad4();
  return w.u32(o.trailer ?? total).toBytes();
}

export function shb(
  littleEndian: boolean,
  opts: Option[] = [],
  version: [number, number] = [1, 0],
  o: BlockOverrides = {},
): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u32(0x1a2b3c4d)
    .u16(version[0])
    .u16(version[1])
    .u64(0xffffffff, 0xffffffff)
    .raw(options(littleEndian, opts))
    .toBytes();
  return block(littleEndian, 0x0a0d0d0a, body, o);
}

export function idb(
  littleEndian: boolean,
  linkType: number,
  snapLen: number,
  opts: Option[] = [],
): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u16(linkType)
    .u16(0)
    .u32(snapLen)
    .raw(options(littleEndian, opts))
    .toBytes();
  return block(littleEndian, 1, body);
}

export interface EpbFields {
  interfaceId: number;
  tsHi: number;
  tsLo: number;
  data: Uint8Array;
  originalLen?: number;
  capLenField?: number;
  opts?: Option[];
}

export function epb(littleEndian: boolean, f: EpbFields, o: BlockOverrides = {}): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u32(f.interfaceId)
    .timestamp(f.tsHi, f.tsLo)
    .u32(f.capLenField ?? f.data.length)
    .u32(f.originalLen ?? f.data.length)
    .raw(f.data)
    .pad4()
    .raw(options(littleEndian, f.opts ?? []))
    .toBytes();
  return block(littleEndian, 6, body, o);
}

/** The obsolete Packet Block (type 2): 16-bit interface id, 16-bit drops count. */
export function opb(littleEndian: boolean, f: EpbFields): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u16(f.interfaceId)
    .u16(0)
    .timestamp(f.tsHi, f.tsLo)
    .u32(f.data.length)
    .u32(f.originalLen ?? f.data.length)
    .raw(f.data)
    .pad4()
    .raw(options(littleEndian, f.opts ?? []))
    .toBytes();
  return block(littleEndian, 2, body);
}

export function spb(littleEndian: boolean, data: Uint8Array, originalLen?: number): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u32(originalLen ?? data.length)
    .raw(data)
    .toBytes();
  return block(littleEndian, 3, body);
}

export function isb(
  littleEndian: boolean,
  interfaceId: number,
  tsHi: number,
  tsLo: number,
  opts: Option[],
): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u32(interfaceId)
    .timestamp(tsHi, tsLo)
    .raw(options(littleEndian, opts))
    .toBytes();
  return block(littleEndian, 5, body);
}

/** Name Resolution Block with IPv4 (4-byte) and IPv6 (16-byte) records. */
export function nrb(littleEndian: boolean, records: Array<[Uint8Array, string[]]>): Uint8Array {
  const w = new ByteWriter(littleEndian);
  for (const [address, names] of records) {
    const value = concat(address, ...names.map((n) => concat(text(n), Uint8Array.of(0))));
    w.u16(address.length === 4 ? 1 : 2)
      .u16(value.length)
      .raw(value)
      .pad4();
  }
  w.u32(0);
  return block(littleEndian, 4, w.toBytes());
}

export function dsb(littleEndian: boolean, secretsType: number, secrets: Uint8Array): Uint8Array {
  const body = new ByteWriter(littleEndian)
    .u32(secretsType)
    .u32(secrets.length)
    .raw(secrets)
    .pad4()
    .toBytes();
  return block(littleEndian, 0x0a, body);
}

export function customBlock(littleEndian: boolean, copyable: boolean, data: Uint8Array) {
  const body = new ByteWriter(littleEndian).u32(32473).raw(data).toBytes();
  return block(littleEndian, copyable ? 0x00000bad : 0x40000bad, body);
}
