/**
 * Counts by source (an address, a port) for the flood findings: exact for the first
 * MAX_SOURCES_COUNTED distinct sources, the rest folded into `others`, so a flood from
 * millions of spoofed addresses costs a bounded map. `distinct` is exact until the cap, then a
 * lower bound (`capped`).
 */

/** Distinct sources counted one by one; a flood from more is reported as "at least" that many. */
export const MAX_SOURCES_COUNTED = 65_536;

export class SourceTally {
  private readonly counts = new Map<string, number>();
  others = 0;

  add(source: string, n = 1): void {
    const c = this.counts.get(source);
    if (c !== undefined) this.counts.set(source, c + n);
    else if (this.counts.size < MAX_SOURCES_COUNTED) this.counts.set(source, n);
    else this.others += n;
  }

  get distinct(): number {
    return this.counts.size;
  }

  /** More sources were seen than counted one by one. */
  get capped(): boolean {
    return this.others > 0;
  }

  /** The `n` largest, largest first (ties: first seen). */
  top(n: number): [string, number][] {
    const out: [string, number][] = [];
    for (const entry of this.counts) {
      if (out.length === n && entry[1] <= out[n - 1]![1]) continue;
      let at = out.length;
      while (at > 0 && out[at - 1]![1] < entry[1]) at--;
      out.splice(at, 0, entry);
      if (out.length > n) out.pop();
    }
    return out;
  }

  /** "10.0.0.1 (120), 10.0.0.2 (80)": the top `n` with their counts. */
  topText(n: number): string {
    return this.top(n)
      .map(([source, count]) => `${source} (${count})`)
      .join(", ");
  }
}
