/**
 * A time series bounded in size, for graphs: at most `maxPoints` (time, value) points. When full,
 * every other point is dropped and the sampling stride doubles, so a long connection keeps an
 * evenly thinned picture of its whole life in constant memory. Points are only taken when the
 * value changes. Allocated on the first point.
 */

export interface SeriesPoints {
  /** Milliseconds since the connection's first packet. */
  tMs: number[];
  value: number[];
}

export class BoundedSeries {
  private times: Float64Array | undefined = undefined;
  private values: Float64Array | undefined = undefined;
  private count = 0;
  private stride = 1;
  private skipped = 0;
  private last = Number.NaN;

  constructor(private readonly maxPoints: number) {}

  /** False for a series that keeps nothing: callers skip computing its values (free when unused). */
  get enabled(): boolean {
    return this.maxPoints > 0;
  }

  add(timeNs: number, value: number): void {
    if (this.maxPoints <= 0 || value === this.last) return;
    this.last = value;
    if (++this.skipped < this.stride) return;
    this.skipped = 0;
    if (this.times === undefined || this.values === undefined) {
      this.times = new Float64Array(this.maxPoints);
      this.values = new Float64Array(this.maxPoints);
    }
    if (this.count === this.maxPoints) {
      const half = this.count >>> 1;
      for (let i = 0; i < half; i++) {
        this.times[i] = this.times[i * 2];
        this.values[i] = this.values[i * 2];
      }
      this.count = half;
      this.stride *= 2;
    }
    this.times[this.count] = timeNs;
    this.values[this.count] = value;
    this.count++;
  }

  points(originNs: number): SeriesPoints {
    const tMs: number[] = [];
    const value: number[] = [];
    if (this.times && this.values) {
      for (let i = 0; i < this.count; i++) {
        tMs.push(Math.round((this.times[i] - originNs) / 1e3) / 1e3);
        value.push(this.values[i]);
      }
    }
    return { tMs, value };
  }

  release(): void {
    this.times = undefined;
    this.values = undefined;
  }
}

/**
 * The series of every direction when graphs are off (maxPoints 0): it never changes state, so one
 * instance serves all, instead of two objects per direction of every connection.
 */
export const DISABLED_SERIES = new BoundedSeries(0);

/** A series of at most `maxPoints` points, or the shared disabled one. */
export function boundedSeries(maxPoints: number): BoundedSeries {
  return maxPoints > 0 ? new BoundedSeries(maxPoints) : DISABLED_SERIES;
}
