/**
 * The synchronous file path's one big read buffer, kept between reads: a process that reads many
 * large captures (a batch, a test suite) allocates and zero-fills 16 MiB once, and its RSS stays
 * flat instead of growing with buffers the garbage collector has not yet returned. A read that
 * starts while the buffer is taken (from inside another read's callback) gets its own.
 */
let idle: Uint8Array | undefined;

export function takeFileBuffer(bytes: number): Uint8Array {
  const pooled = idle;
  if (pooled !== undefined && pooled.length >= bytes) {
    idle = undefined;
    return pooled.length === bytes ? pooled : pooled.subarray(0, bytes);
  }
  return new Uint8Array(bytes);
}

/** Gives a buffer back after a read; the largest one seen is kept. */
export function returnFileBuffer(buffer: Uint8Array): void {
  const whole = new Uint8Array(buffer.buffer, 0, buffer.buffer.byteLength);
  if (idle === undefined || whole.length > idle.length) idle = whole;
}
