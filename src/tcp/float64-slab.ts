/**
 * Fixed-length runs of doubles ("slots") cut from large shared Float64Arrays, taken back for reuse
 * when their owner is released. Every connection direction needs small sample buffers (RTT
 * reservoirs); giving each its own ArrayBuffer cost about a microsecond per allocation (a backing
 * store outside the JS heap, registered with the GC), and even a subarray view is two more heap
 * objects per owner for the garbage collector to copy. A slot is a number: owners keep the chunk
 * (`chunkOf`) and their offset in it (`offsetOf`). A slot handed out again keeps its old contents:
 * owners write before they read. Memory follows the most slots alive at once, not the number ever
 * taken.
 */

/** Slots per shared buffer: one allocation serves this many owners. */
const SLOTS_PER_CHUNK = 256;

export class Float64Slab {
  private readonly chunks: Float64Array[] = [];
  private nextSlot = 0;
  private readonly free: number[] = [];

  constructor(private readonly slotLength: number) {}

  take(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.nextSlot++;
    if (slot % SLOTS_PER_CHUNK === 0) {
      this.chunks.push(new Float64Array(this.slotLength * SLOTS_PER_CHUNK));
    }
    return slot;
  }

  /** The shared array holding `slot`. */
  chunkOf(slot: number): Float64Array {
    return this.chunks[Math.floor(slot / SLOTS_PER_CHUNK)];
  }

  /** Where `slot` starts in its chunk. */
  offsetOf(slot: number): number {
    return (slot % SLOTS_PER_CHUNK) * this.slotLength;
  }

  /** Takes back a slot from take(); the caller must not use it again. */
  give(slot: number): void {
    this.free.push(slot);
  }
}
