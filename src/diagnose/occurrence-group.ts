/**
 * Occurrences of one kind, charged to one layer, at one server endpoint: what becomes one Finding.
 * A group keeps counts and totals, and the few worst occurrences as evidence, so a capture with
 * 100,000 stalls gives one finding with bounded memory.
 */
import type { Layer, Severity } from "../model/finding.ts";
import type { ExchangeMarks } from "./exchange-marks.ts";
import type { Occurrence } from "./occurrence.ts";
import { TimeUnion } from "./time-union.ts";

/** Occurrences kept per group as evidence: the costliest. */
export const WORST_KEPT = 5;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export class OccurrenceGroup {
  readonly kind: string;
  readonly layer: Layer;
  readonly endpoint: string;
  count = 0;
  /** Sum of the occurrences' costs, at most the union of their spans when they have them. */
  get costMs(): number {
    return this.covered === undefined
      ? this.summedMs
      : Math.min(this.summedMs, this.covered.lengthMs + this.unspannedMs);
  }
  private summedMs = 0;
  /** The cost of occurrences without a span (added as they are). */
  private unspannedMs = 0;
  private covered: TimeUnion | undefined = undefined;
  severity: Severity = "info";
  /** Costliest first; at most WORST_KEPT. */
  readonly worst: Occurrence[] = [];
  /** The exchanges its occurrences named (to count slow exchanges), when tracked. */
  marks: ExchangeMarks | undefined = undefined;
  constructor(kind: string, layer: Layer, endpoint: string) {
    this.kind = kind;
    this.layer = layer;
    this.endpoint = endpoint;
  }

  add(occurrence: Occurrence): void {
    this.count += occurrence.count;
    this.summedMs += occurrence.costMs;
    const spans = occurrence.spansMs;
    if (occurrence.spanMs !== undefined || spans !== undefined) {
      if (this.covered === undefined) this.covered = new TimeUnion();
      if (occurrence.spanMs !== undefined) {
        this.covered.add(occurrence.spanMs[0], occurrence.spanMs[1]);
      }
      if (spans !== undefined) {
        for (let i = 0; i + 1 < spans.length; i += 2) this.covered.add(spans[i]!, spans[i + 1]!);
      }
    } else {
      this.unspannedMs += occurrence.costMs;
    }
    if (SEVERITY_RANK[occurrence.severity] > SEVERITY_RANK[this.severity]) {
      this.severity = occurrence.severity;
    }
    const worst = this.worst;
    if (worst.length === WORST_KEPT && occurrence.costMs <= worst[worst.length - 1]!.costMs) return;
    let at = worst.length;
    while (at > 0 && worst[at - 1]!.costMs < occurrence.costMs) at--;
    worst.splice(at, 0, occurrence);
    if (worst.length > WORST_KEPT) worst.pop();
  }

  /** The worst occurrence (there is always one once added). */
  get first(): Occurrence {
    return this.worst[0]!;
  }

  /** A fact of the worst occurrence, as a number (NaN when absent). */
  fact(name: string): number {
    const value = this.first.facts[name];
    return typeof value === "number" ? value : Number.NaN;
  }

  text(name: string): string {
    const value = this.first.facts[name];
    return value === undefined ? "" : String(value);
  }
}
