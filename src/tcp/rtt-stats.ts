/**
 * Summary statistics of round-trip samples with bounded memory: exact count, min and max, and a
 * reservoir of RESERVOIR_SIZE samples (Vitter's algorithm R) for the median and 95th percentile.
 * Exact while a direction has at most RESERVOIR_SIZE samples (almost every connection); an
 * unbiased estimate beyond. The reservoir's generator is seeded, so results are reproducible.
 */
import { Float64Slab } from "./float64-slab.ts";

export const RESERVOIR_SIZE = 64;

/** Reservoirs of every RttStats, reused as connections are released. */
const reservoirs = new Float64Slab(RESERVOIR_SIZE);
/** summary() sorts a copy of the reservoir here (summaries are built one at a time). */
const sortScratch = new Float64Array(RESERVOIR_SIZE);

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
  private reservoir: Float64Array | undefined = undefined;
  private rng = 0x9e3779b9;

  add(ns: number): void {
    if (!(ns >= 0)) return; // capture timestamps out of order: not a sample
    if (this.count === 0 || ns < this.minNs) this.minNs = ns;
    if (this.count === 0 || ns > this.maxNs) this.maxNs = ns;
    this.count++;
    if (this.reservoir === undefined) this.reservoir = reservoirs.take();
    if (this.count <= RESERVOIR_SIZE) {
      this.reservoir[this.count - 1] = ns;
      return;
    }
    // xorshift32: cheap and deterministic.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    const j = this.rng % this.count;
    if (j < RESERVOIR_SIZE) this.reservoir[j] = ns;
  }

  summary(): RttSummary | undefined {
    if (this.count === 0 || this.reservoir === undefined) return undefined;
    const n = Math.min(this.count, RESERVOIR_SIZE);
    // A typed array sorts numerically without a comparator or a copy to a JS array.
    sortScratch.set(this.reservoir.subarray(0, n));
    const sorted = sortScratch.subarray(0, n).sort();
    return {
      samples: this.count,
      minMs: this.minNs / 1e6,
      medianMs: percentile(sorted, 0.5) / 1e6,
      p95Ms: percentile(sorted, 0.95) / 1e6,
      maxMs: this.maxNs / 1e6,
    };
  }

  release(): void {
    if (this.reservoir !== undefined) reservoirs.give(this.reservoir);
    this.reservoir = undefined;
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}
