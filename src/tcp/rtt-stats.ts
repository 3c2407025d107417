/**
 * Summary statistics of round-trip samples with bounded memory: exact count, min and max, and a
 * reservoir of RESERVOIR_SIZE samples (Vitter's algorithm R) for the median and 95th percentile.
 * Exact while a direction has at most RESERVOIR_SIZE samples (almost every connection); an
 * unbiased estimate beyond. The reservoir's generator is seeded, so results are reproducible.
 */

import { primeDoubleFields } from "./double-fields.ts";
import { Float64Slab } from "./float64-slab.ts";

export const RESERVOIR_SIZE = 64;

/** Reservoirs of every RttStats, reused as connections are released. */
const reservoirs = new Float64Slab(RESERVOIR_SIZE);
/** summary() sorts a copy of the reservoir here (summaries are built one at a time). */
const sortScratch = new Float64Array(RESERVOIR_SIZE);
const EMPTY = new Float64Array(0);

export interface RttSummary {
  samples: number;
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export class RttStats {
  count = 0;
  minNs = 0;
  maxNs = 0;
  /** The reservoir: RESERVOIR_SIZE doubles of a shared slab chunk from `base`; -1 before any. */
  private slot = -1;
  private chunk: Float64Array = EMPTY;
  private base = 0;
  private rng = 0x9e3779b9;

  add(ns: number): void {
    if (!(ns >= 0)) return; // capture timestamps out of order: not a sample
    if (this.count === 0 || ns < this.minNs) this.minNs = ns;
    if (this.count === 0 || ns > this.maxNs) this.maxNs = ns;
    this.count++;
    if (this.slot < 0) {
      this.slot = reservoirs.take();
      this.chunk = reservoirs.chunkOf(this.slot);
      this.base = reservoirs.offsetOf(this.slot);
    }
    if (this.count <= RESERVOIR_SIZE) {
      this.chunk[this.base + this.count - 1] = ns;
      return;
    }
    // xorshift32: cheap and deterministic.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    const j = this.rng % this.count;
    if (j < RESERVOIR_SIZE) this.chunk[this.base + j] = ns;
  }

  summary(): RttSummary | undefined {
    if (this.count === 0 || this.slot < 0) return undefined;
    const n = Math.min(this.count, RESERVOIR_SIZE);
    // Insertion sort into a scratch array: no allocation, and stable like the comparator sort
    // it replaces (n ≤ 64).
    const sorted = sortScratch;
    for (let i = 0; i < n; i++) {
      const v = this.chunk[this.base + i];
      let k = i;
      while (k > 0 && sorted[k - 1] > v) {
        sorted[k] = sorted[k - 1];
        k--;
      }
      sorted[k] = v;
    }
    return {
      samples: this.count,
      minMs: this.minNs / 1e6,
      medianMs: percentile(sorted, n, 0.5) / 1e6,
      p95Ms: percentile(sorted, n, 0.95) / 1e6,
      maxMs: this.maxNs / 1e6,
    };
  }

  release(): void {
    if (this.slot >= 0) reservoirs.give(this.slot);
    this.slot = -1;
    this.chunk = EMPTY;
  }
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new RttStats(), ["minNs", "maxNs"]);

/** Nearest-rank percentile of the first `n` values of an ascending array. */
function percentile(sorted: Float64Array, n: number, p: number): number {
  const rank = Math.max(1, Math.ceil(p * n));
  return sorted[rank - 1];
}
