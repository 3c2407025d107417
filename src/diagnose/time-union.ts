/**
 * The length of a union of time intervals: what a set of overlapping waits covered on the
 * capture's clock. Nine parallel connection attempts that each waited 50 s in a 95 s capture
 * covered at most 95 s of it, not 450 s; a finding's cost never exceeds the time it covers.
 *
 * Bounded: at most MAX_INTERVALS disjoint intervals are kept. Past that the two closest are
 * merged across their gap, which can only overstate the union; a cost taken as
 * min(sum, union) stays at most the sum.
 */

/** Disjoint intervals kept: the spans of a group of findings rarely number more. */
export const MAX_INTERVALS = 256;

export class TimeUnion {
  /** Sorted, disjoint: start0, end0, start1, end1, … */
  private readonly bounds: number[] = [];

  add(startMs: number, endMs: number): void {
    if (!(endMs > startMs)) return;
    const b = this.bounds;
    // First interval whose end reaches startMs.
    let i = 0;
    while (i < b.length && b[i + 1]! < startMs) i += 2;
    let j = i;
    let s = startMs;
    let e = endMs;
    while (j < b.length && b[j]! <= e) {
      s = Math.min(s, b[j]!);
      e = Math.max(e, b[j + 1]!);
      j += 2;
    }
    b.splice(i, j - i, s, e);
    if (b.length > 2 * MAX_INTERVALS) this.mergeClosest();
  }

  /** Total covered milliseconds. */
  get lengthMs(): number {
    let total = 0;
    const b = this.bounds;
    for (let i = 0; i < b.length; i += 2) total += b[i + 1]! - b[i]!;
    return total;
  }

  private mergeClosest(): void {
    const b = this.bounds;
    let best = 2;
    for (let i = 4; i < b.length; i += 2) {
      if (b[i]! - b[i - 1]! < b[best]! - b[best - 1]!) best = i;
    }
    b.splice(best - 1, 2);
  }
}
