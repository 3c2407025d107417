import assert from "node:assert/strict";
import { test } from "node:test";
import { prng } from "../testing/fuzz.ts";
import { TickConverter, type TimestampTarget } from "./tick-converter.ts";

/** The exact answer, by BigInt: floor(ticks / u) and floor(remainder * 1e9 / u). */
function reference(hi: number, lo: number, base: 10 | 2, exponent: number): [number, number] {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt(base) ** BigInt(exponent);
  return [Number(ticks / u), Number(((ticks % u) * 1_000_000_000n) / u)];
}

const RESOLUTIONS: Array<[10 | 2, number]> = [
  [10, 0],
  [10, 3],
  [10, 6],
  [10, 9],
  [10, 10],
  [10, 11],
  [10, 12],
  [10, 15],
  [2, 0],
  [2, 9],
  [2, 10],
  [2, 20],
  [2, 23],
  [2, 24],
  [2, 30],
  [2, 32],
  [2, 37],
  [2, 40],
  [2, 63],
];

test("64-bit tick counts convert exactly at every if_tsresol, random values and in-order runs", () => {
  const random = prng(7);
  const out: TimestampTarget = { tsSec: 0, tsNsec: 0 };
  for (const [base, exponent] of RESOLUTIONS) {
    const converter = new TickConverter(base, exponent);
    for (let i = 0; i < 3_000; i++) {
      // Mix uniformly random words with edge values (0, all ones, near the word boundary).
      const edge = [0, 1, 0xffffffff, 0xfffffffe, 0x80000000][i % 5];
      let hi = i % 3 === 0 ? edge : Math.floor(random() * 2 ** 32);
      let lo = i % 7 === 0 ? edge : Math.floor(random() * 2 ** 32);
      // Every 10th case walks a short ascending run, as packets do, through the second cache.
      for (let step = 0; step < (i % 10 === 0 ? 50 : 1); step++) {
        converter.split(hi, lo, out);
        const [sec, nsec] = reference(hi, lo, base, exponent);
        if (out.tsSec !== sec || out.tsNsec !== nsec) {
          assert.fail(
            `${base}^-${exponent}: (${hi}, ${lo}) gave ${out.tsSec}.${out.tsNsec}, want ${sec}.${nsec}`,
          );
        }
        lo += Math.floor(random() * 2 ** 28);
        if (lo >= 2 ** 32) {
          lo -= 2 ** 32;
          hi = (hi + 1) >>> 0;
        }
      }
    }
  }
});

test("nanosecond ticks of a 2026 timestamp are exact where a double is not", () => {
  // 1_764_100_000_123_456_789 ns is above 2^53: hi * 2^32 + lo in a double loses the last digits.
  const ticks = 1_764_100_000_123_456_789n;
  const hi = Number(ticks >> 32n);
  const lo = Number(ticks & 0xffffffffn);
  assert.notEqual((hi * 2 ** 32 + lo) % 1e9, 123_456_789);
  const out = { tsSec: 0, tsNsec: 0 };
  new TickConverter(10, 9).split(hi, lo, out);
  assert.deepEqual(out, { tsSec: 1_764_100_000, tsNsec: 123_456_789 });
});

test("if_tsresol: high bit clear is a power of ten, set is a power of two", () => {
  assert.equal(TickConverter.fromTsresol(6).unitsPerSec, 1e6);
  assert.equal(TickConverter.fromTsresol(9).unitsPerSec, 1e9);
  assert.equal(TickConverter.fromTsresol(0x80 | 10).unitsPerSec, 1024);
  const out = { tsSec: 0, tsNsec: 0 };
  // 2^-10 s ticks: 1536 ticks = 1.5 s.
  TickConverter.fromTsresol(0x80 | 10).split(0, 1536, out);
  assert.deepEqual(out, { tsSec: 1, tsNsec: 500_000_000 });
});
