import assert from "node:assert/strict";
import { test } from "node:test";
import { type FlowKey, FlowTable, flowHash, PacketTuple } from "./flow-table.ts";

/** An IPv4 packet's tuple from word 0 of each address (or all four words given). */
function tuple(s: number[], sport: number, d: number[], dport: number): PacketTuple {
  const t = new PacketTuple();
  t.ipVersion = 4;
  [t.s0, t.s1 = 0, t.s2 = 0, t.s3 = 0] = s;
  [t.d0, t.d1 = 0, t.d2 = 0, t.d3 = 0] = d;
  t.sport = sport;
  t.dport = dport;
  return t;
}

function key(i: number): FlowKey {
  const a0 = 0x0a000000 + (i % 251);
  const b0 = 0xc0000200 + (i % 7);
  const portA = 10000 + (i % 50000);
  const portB = 80 + (i % 3);
  return {
    ipVersion: 4,
    a0,
    a1: 0,
    a2: 0,
    a3: 0,
    b0,
    b1: 0,
    b2: 0,
    b3: 0,
    portA,
    portB,
    hash: flowHash(tuple([a0], portA, [b0], portB)),
  };
}

function find(t: FlowTable<FlowKey>, k: FlowKey, reversed: boolean): FlowKey | undefined {
  return reversed
    ? t.find(tuple([k.b0], k.portB, [k.a0], k.portA), k.hash)
    : t.find(tuple([k.a0], k.portA, [k.b0], k.portB), k.hash);
}

test("the hash is symmetric in the two endpoints", () => {
  assert.equal(
    flowHash(tuple([1, 2, 3, 4], 5, [6, 7, 8, 9], 10)),
    flowHash(tuple([6, 7, 8, 9], 10, [1, 2, 3, 4], 5)),
  );
});

test("both directions find the entry; removals keep every other entry reachable", () => {
  const t = new FlowTable<FlowKey>();
  const ids = new Map<number, number>();
  const n = 20_000;
  for (let i = 0; i < n; i++) ids.set(i, t.insert(key(i)));
  assert.equal(t.size, n);
  for (let i = 0; i < n; i += 3) t.remove(ids.get(i)!);
  for (let i = 0; i < n; i++) {
    const k = key(i);
    const hit = find(t, k, i % 2 === 0);
    if (i % 3 === 0) assert.equal(hit, undefined, `removed ${i} still found`);
    else {
      assert.equal(hit?.portA, k.portA);
      assert.equal(t.lastFromA, i % 2 !== 0);
    }
  }
  assert.equal(t.size, n - Math.ceil(n / 3));
});
