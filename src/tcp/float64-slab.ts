/**
 * Fixed-length Float64Array views cut from large shared buffers, taken back for reuse when their
 * owner is released. Every connection direction needs small sample buffers (RTT reservoirs);
 * giving each its own ArrayBuffer cost about a microsecond per allocation (a backing store outside
 * the JS heap, registered with the GC), as much as the samples themselves on a capture of short
 * connections. A view handed out again keeps its old contents: owners write before they read.
 * Memory follows the most views alive at once, not the number ever taken.
 */

/** Views per shared buffer: one allocation serves this many owners. */
const VIEWS_PER_CHUNK = 256;

export class Float64Slab {
  private chunk: Float64Array;
  private nextView = 0;
  private readonly free: Float64Array[] = [];

  constructor(private readonly viewLength: number) {
    this.chunk = new Float64Array(viewLength * VIEWS_PER_CHUNK);
  }

  take(): Float64Array {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.nextView === VIEWS_PER_CHUNK) {
      this.chunk = new Float64Array(this.viewLength * VIEWS_PER_CHUNK);
      this.nextView = 0;
    }
    const start = this.nextView++ * this.viewLength;
    return this.chunk.subarray(start, start + this.viewLength);
  }

  /** Takes back a view from take(); the caller must drop its reference. */
  give(view: Float64Array): void {
    this.free.push(view);
  }
}
