/**
 * The shape of one side's data transfer in constant memory: bytes, segments, first and last data
 * segment, and bytes per time bucket. The buckets start BUCKET_START_MS wide; when the transfer
 * outlasts them, neighbours merge and the width doubles, so a transfer of any length keeps
 * TRANSFER_BUCKETS numbers.
 */
export const TRANSFER_BUCKETS = 32;
export const BUCKET_START_MS = 5;

export class TransferShape {
  bytes = 0;
  segments = 0;
  firstMs = -1;
  lastMs = -1;
  firstFrame = 0;
  lastFrame = 0;
  /**
   * Times this side started sending again after the other side had sent data: 1 for one request
   * answered by one download, one per request on a keep-alive connection.
   */
  turns = 0;
  /** Segments the tcp stage flagged "window full" (they filled the peer's receive window). */
  windowFull = 0;
  /** Segments after which less than one more segment fitted in the peer's receive window. */
  windowLimited = 0;
  /** ...of them while that window was under half its largest: the receiving app fell behind. */
  windowLimitedShrunk = 0;
  bucketMs = BUCKET_START_MS;
  readonly buckets = new Float64Array(TRANSFER_BUCKETS);

  add(timeMs: number, frame: number, lenBytes: number): void {
    if (this.segments === 0) {
      this.firstMs = timeMs;
      this.firstFrame = frame;
    }
    this.segments++;
    this.bytes += lenBytes;
    this.lastMs = timeMs;
    this.lastFrame = frame;
    let index = Math.floor((timeMs - this.firstMs) / this.bucketMs);
    while (index >= TRANSFER_BUCKETS) {
      for (let i = 0; i < TRANSFER_BUCKETS / 2; i++) {
        this.buckets[i] = this.buckets[2 * i]! + this.buckets[2 * i + 1]!;
      }
      this.buckets.fill(0, TRANSFER_BUCKETS / 2);
      this.bucketMs *= 2;
      index = Math.floor((timeMs - this.firstMs) / this.bucketMs);
    }
    if (index >= 0) this.buckets[index]! += lenBytes;
  }

  get durationMs(): number {
    return this.segments === 0 ? 0 : this.lastMs - this.firstMs;
  }

  /**
   * Coefficient of variation (standard deviation / mean) of the rate over the whole buckets
   * between the first and the last (those two are partial); NaN with fewer than `minBuckets`.
   */
  rateVariation(minBuckets: number): number {
    const lastIndex = Math.floor(this.durationMs / this.bucketMs);
    const from = 1;
    const to = lastIndex - 1;
    const n = to - from + 1;
    if (n < minBuckets) return Number.NaN;
    let sum = 0;
    for (let i = from; i <= to; i++) sum += this.buckets[i]!;
    const mean = sum / n;
    if (mean <= 0) return Number.NaN;
    let squares = 0;
    for (let i = from; i <= to; i++) squares += (this.buckets[i]! - mean) ** 2;
    return Math.sqrt(squares / n) / mean;
  }
}
