/**
 * Groups occurrences into Findings: one kind, one layer, one server endpoint → one Finding with
 * the count, the total cost, and the evidence of the worst occurrences (at most FRAMES_PER_FINDING
 * frames). The number of groups follows kinds × endpoints, never the number of occurrences.
 */
import { compareFindings, type Finding, type Severity } from "../model/finding.ts";
import { roundMs } from "./ms-text.ts";
import type { Occurrence, OccurrenceSink } from "./occurrence.ts";
import { OccurrenceGroup } from "./occurrence-group.ts";
import type { FindingKind } from "./rule.ts";
import { severityForCost } from "./severity.ts";

/** Frames listed per finding: enough to open the worst cases in Wireshark, few enough to read. */
export const FRAMES_PER_FINDING = 10;
/** Connection and exchange ids listed per finding. */
export const IDS_PER_FINDING = 10;
/**
 * Groups kept. Beyond it (a scan of 100,000 endpoints), further endpoints' occurrences are folded
 * into one group per kind with endpoint "" so the report stays bounded.
 */
export const MAX_GROUPS = 2000;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export class FindingGroups implements OccurrenceSink {
  private readonly groups = new Map<string, OccurrenceGroup>();
  private readonly kinds: ReadonlyMap<string, FindingKind>;
  /** Called for every occurrence with its group (the engine marks the exchanges it names). */
  onAdd: ((occurrence: Occurrence, group: OccurrenceGroup) => void) | undefined = undefined;

  constructor(kinds: ReadonlyMap<string, FindingKind>) {
    this.kinds = kinds;
  }

  add(occurrence: Occurrence): void {
    // Capture timestamps can go backwards (a merged or damaged file): a cost is never negative.
    if (!(occurrence.costMs > 0)) occurrence.costMs = 0;
    let endpoint = occurrence.endpoint;
    let key = `${occurrence.kind}\u0000${occurrence.layer}\u0000${endpoint}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      if (this.groups.size >= MAX_GROUPS) {
        endpoint = "";
        key = `${occurrence.kind}\u0000${occurrence.layer}\u0000`;
        group = this.groups.get(key);
      }
      if (group === undefined) {
        group = new OccurrenceGroup(occurrence.kind, occurrence.layer, endpoint);
        this.groups.set(key, group);
      }
    }
    if (this.onAdd !== undefined) this.onAdd(occurrence, group);
    group.add(occurrence);
  }

  withdraw(kind: string, endpoint: string, atMost: number): number {
    let taken = 0;
    for (const [key, group] of this.groups) {
      if (group.kind !== kind || group.endpoint !== endpoint || group.count > atMost) continue;
      this.groups.delete(key);
      taken += group.count;
    }
    return taken;
  }

  /** Every group as a Finding, in importance order, with the group it came from. */
  findings(vantageConfidence = 1): { finding: Finding; group: OccurrenceGroup }[] {
    const out: { finding: Finding; group: OccurrenceGroup }[] = [];
    for (const group of this.groups.values()) {
      out.push({ finding: this.toFinding(group, vantageConfidence), group });
    }
    return out.sort((a, b) => compareFindings(a.finding, b.finding));
  }

  private toFinding(group: OccurrenceGroup, vantageConfidence: number): Finding {
    const kind = this.kinds.get(group.kind);
    const costMs = roundMs(group.costMs);
    // A per-request cost is judged request by request (the occurrences' own severities).
    const bySize = kind?.perRequest === true ? "info" : severityForCost(costMs, false);
    const cap = kind?.costSeverityCap ?? "warning";
    const costSeverity = SEVERITY_RANK[bySize] > SEVERITY_RANK[cap] ? cap : bySize;
    const severity =
      SEVERITY_RANK[group.severity] >= SEVERITY_RANK[costSeverity] ? group.severity : costSeverity;
    const text = kind?.describe(group) ?? {
      title: group.kind,
      explanation: group.kind,
      advice: "",
    };
    const frames: number[] = [];
    const connections: number[] = [];
    const exchanges: number[] = [];
    for (const occurrence of group.worst) {
      for (const frame of occurrence.frames) {
        if (frames.length < FRAMES_PER_FINDING && frame > 0 && !frames.includes(frame)) {
          frames.push(frame);
        }
      }
      if (
        occurrence.connection >= 0 &&
        connections.length < IDS_PER_FINDING &&
        !connections.includes(occurrence.connection)
      ) {
        connections.push(occurrence.connection);
      }
      if (
        occurrence.exchange >= 0 &&
        exchanges.length < IDS_PER_FINDING &&
        !exchanges.includes(occurrence.exchange)
      ) {
        exchanges.push(occurrence.exchange);
      }
      for (const id of occurrence.exchanges ?? []) {
        if (exchanges.length < IDS_PER_FINDING && !exchanges.includes(id)) exchanges.push(id);
      }
    }
    frames.sort((a, b) => a - b);
    const finding: Finding = {
      kind: group.kind,
      layer: group.layer,
      severity,
      costMs,
      title: text.title,
      explanation: text.explanation,
      advice: text.advice,
      confidence:
        kind?.vantageDependent === true
          ? Math.round(kind.confidence * (0.5 + 0.5 * vantageConfidence) * 100) / 100
          : (kind?.confidence ?? 0.5),
      count: group.count,
      evidence: { frames, facts: { ...group.first.facts } },
    };
    if (group.endpoint !== "") finding.endpoint = group.endpoint;
    if (connections.length > 0) finding.evidence.connections = connections;
    if (exchanges.length > 0) finding.evidence.exchanges = exchanges;
    return finding;
  }
}
