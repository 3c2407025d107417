/**
 * The flow table: 4-tuple → the connection currently using it. An open-addressing hash over typed
 * arrays keyed by numbers (the addresses as 32-bit words and the ports), never by strings: a
 * string-keyed Map ran at half the speed on Node 20. The hash is symmetric in the two endpoints,
 * so both directions of a connection find the same slot without first ordering the endpoints.
 *
 * Linear probing with backward-shift deletion (Knuth vol. 3 §6.4 algorithm R): no tombstones, so
 * lookups stay short however many connections come and go.
 */
import { primeDoubleFields } from "./double-fields.ts";

/** The address and port fields the table compares; Connection implements it. */
export interface FlowKey {
  ipVersion: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  b0: number;
  b1: number;
  b2: number;
  b3: number;
  portA: number;
  portB: number;
  hash: number;
}

/** Which way a packet goes on a key's 4-tuple (flowSide). */
export const FlowSide = {
  /** Not this key's tuple. */
  NONE: 0,
  /** Sent by endpoint A. */
  FROM_A: 1,
  /** Sent by endpoint B. */
  FROM_B: 2,
} as const;
export type FlowSideValue = (typeof FlowSide)[keyof typeof FlowSide];

/**
 * A packet's 4-tuple: addresses as 32-bit words (IPv4 in word 0, the rest 0) and ports, source
 * first. The tcp stage fills one per packet; the table reads it instead of taking the ten numbers
 * as arguments (addresses above 2^30, like 127.0.0.1, are doubles that V8 would box per call).
 */
export class PacketTuple {
  ipVersion = 0;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  sport = 0;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  dport = 0;
}

// Address words reach 2^32: see double-fields.ts.
primeDoubleFields(new PacketTuple(), ["s0", "s1", "s2", "s3", "d0", "d1", "d2", "d3"]);

/** Whether `key`'s endpoint A is the address w0..w3 with `port`. */
function isEndA(
  key: FlowKey,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
  port: number,
): boolean {
  return key.portA === port && key.a0 === w0 && key.a1 === w1 && key.a2 === w2 && key.a3 === w3;
}

/** Whether `key`'s endpoint B is the address w0..w3 with `port`. */
function isEndB(
  key: FlowKey,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
  port: number,
): boolean {
  return key.portB === port && key.b0 === w0 && key.b1 === w1 && key.b2 === w2 && key.b3 === w3;
}

/** Whether a packet with tuple `t` is on `key`'s tuple, and which way. */
export function flowSide(key: FlowKey, t: PacketTuple): FlowSideValue {
  if (key.ipVersion !== t.ipVersion) return FlowSide.NONE;
  if (
    isEndA(key, t.s0, t.s1, t.s2, t.s3, t.sport) &&
    isEndB(key, t.d0, t.d1, t.d2, t.d3, t.dport)
  ) {
    return FlowSide.FROM_A;
  }
  if (
    isEndA(key, t.d0, t.d1, t.d2, t.d3, t.dport) &&
    isEndB(key, t.s0, t.s1, t.s2, t.s3, t.sport)
  ) {
    return FlowSide.FROM_B;
  }
  return FlowSide.NONE;
}

const INITIAL_SLOTS = 1024;
/** Grow when more than this share of slots is used; linear probing degrades past ~0.7. */
const MAX_LOAD = 0.5;

function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash of one endpoint (address words and port). */
function endpointHash(w0: number, w1: number, w2: number, w3: number, port: number): number {
  let h = mix32(w0 ^ 0x9e3779b9);
  h = mix32(h ^ w1);
  h = mix32(h ^ w2);
  h = mix32(h ^ w3);
  return mix32(h ^ (port + 0x10000));
}

/** Symmetric: the same for (src, dst) and (dst, src). */
export function flowHash(t: PacketTuple): number {
  const x = endpointHash(t.s0, t.s1, t.s2, t.s3, t.sport);
  const y = endpointHash(t.d0, t.d1, t.d2, t.d3, t.dport);
  return mix32((x + y) ^ Math.imul(x ^ y, 0x27d4eb2d)) >>> 0;
}

export class FlowTable<T extends FlowKey> {
  private slots: Int32Array = new Int32Array(INITIAL_SLOTS).fill(-1);
  private mask = INITIAL_SLOTS - 1;
  private entries: (T | undefined)[] = [];
  private freeIds: number[] = [];
  size = 0;

  /** Result of the last `find`: true when the packet's source is the key's endpoint A. */
  lastFromA = false;

  /** The entry for a packet's tuple (`hash` = flowHash(t)), or undefined; sets `lastFromA`. */
  find(t: PacketTuple, hash: number): T | undefined {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const id = slots[i];
      if (id < 0) return undefined;
      const e = this.entries[id]!;
      if (e.hash !== hash) continue;
      const side = flowSide(e, t);
      if (side === FlowSide.NONE) continue;
      this.lastFromA = side === FlowSide.FROM_A;
      return e;
    }
  }

  /** Adds an entry whose tuple is not in the table. Returns its id. */
  insert(entry: T): number {
    if (this.size + 1 > this.slots.length * MAX_LOAD) this.grow();
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.entries.length;
    this.entries[id] = entry;
    this.placeId(id, entry.hash);
    this.size++;
    return id;
  }

  /** Puts `entry` in place of the entry with id `id` (same tuple: a reused port). */
  replace(id: number, entry: T): void {
    this.entries[id] = entry;
  }

  remove(id: number): void {
    const entry = this.entries[id];
    if (entry === undefined) return;
    const slots = this.slots;
    const mask = this.mask;
    let i = entry.hash & mask;
    while (slots[i] !== id) i = (i + 1) & mask;
    // Backward-shift: move later members of the probe run into the hole.
    let hole = i;
    for (let j = (hole + 1) & mask; slots[j] >= 0; j = (j + 1) & mask) {
      const home = this.entries[slots[j]]!.hash & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = -1;
    this.entries[id] = undefined;
    this.freeIds.push(id);
    this.size--;
  }

  get(id: number): T | undefined {
    return this.entries[id];
  }

  /** Every live entry (for finish()). */
  *values(): IterableIterator<T> {
    for (const e of this.entries) if (e !== undefined) yield e;
  }

  private placeId(id: number, hash: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = hash & mask;
    while (slots[i] >= 0) i = (i + 1) & mask;
    slots[i] = id;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      const id = old[i];
      if (id >= 0) this.placeId(id, this.entries[id]!.hash);
    }
  }
}
