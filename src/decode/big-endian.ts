/**
 * Network-byte-order reads from a byte array. Plain indexing beats a DataView here: a DataView
 * would have to be created per packet buffer. Callers check bounds first (an index past the end
 * reads `undefined`, which would silently turn into 0 or NaN).
 */
export function u16be(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

/** Unsigned 32-bit (a multiplication, not `<< 24`, so the top bit does not make it negative). */
export function u32be(b: Uint8Array, i: number): number {
  return b[i] * 0x1000000 + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
}
