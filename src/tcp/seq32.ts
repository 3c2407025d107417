/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4: "all arithmetic dealing with sequence
 * numbers must be performed modulo 2**32"). Every comparison of sequence or acknowledgment numbers
 * in src/tcp goes through here, as gopacket's `Sequence` type does; a plain `<` on two sequence
 * numbers is a bug once a connection wraps.
 *
 * Values are unsigned 32-bit integers held in JS numbers (0..4294967295).
 */

/** Signed distance from `a` to `b` (b − a), in −2^31..2^31−1: positive when b is after a. */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}

/** a + n, wrapped to 32 bits. `n` may be negative. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a is before b. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a is before or equal to b. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a is after b. */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a is after or equal to b. */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return ((a - b) | 0) >= 0 ? a : b;
}

/** The earlier of two sequence numbers. */
export function seqMin(a: number, b: number): number {
  return ((a - b) | 0) <= 0 ? a : b;
}
