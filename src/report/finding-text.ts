/**
 * One Finding as terminal lines, the same way in every report that prints findings (`analyze`,
 * `probe`, `host`): what and where on the first line, then the mechanism, the advice and the
 * evidence that proves it. Computes nothing. Every text of the finding goes through printable: a
 * title, an explanation or a fact can quote the capture.
 */
import type { Finding, Severity } from "../model/finding.ts";
import { printable } from "../model/printable-text.ts";
import { formatMs } from "./analysis-duration-text.ts";
import { layerName } from "./analysis-layer-style.ts";
import { wrapWords } from "./analysis-word-wrap.ts";
import { pc } from "./colors.ts";

export interface FindingTextOptions {
  /** 1-based place in the report's order, printed before the finding. */
  rank?: number;
  /** Columns the explanation, advice and evidence are wrapped to (default 100). */
  widthChars?: number;
  /**
   * Only the title and the evidence: for a finding whose kind the report has already explained
   * (a grouped kind appears once per server endpoint, with the same mechanism and advice).
   */
  brief?: boolean;
}

const SEVERITY_MARK: Record<Severity, string> = {
  error: pc.red("error  "),
  warning: pc.yellow("warning"),
  info: pc.cyan("info   "),
};

const DEFAULT_WIDTH_CHARS = 100;
const INDENT = "      ";
/** Grouped findings keep the worst occurrences' frames; a line of them stays readable. */
const MAX_FRAMES_SHOWN = 12;
/** A fact such as a long URL is clipped on the terminal; the JSON has it whole. */
const MAX_FACT_CHARS = 60;

export function findingLines(finding: Finding, options: FindingTextOptions = {}): string[] {
  const rank = options.rank === undefined ? "" : `${String(options.rank).padStart(2)}. `;
  const cost = finding.costMs > 0 ? `, ${formatMs(finding.costMs)}` : "";
  const times = finding.count > 1 ? `, ${finding.count}×` : "";
  const lines = [
    `${rank}${SEVERITY_MARK[finding.severity]} [${layerName(finding.layer)}] ${pc.bold(printable(finding.title))} ${pc.dim(`(${finding.kind}${times}${cost})`)}`,
  ];
  const width = (options.widthChars ?? DEFAULT_WIDTH_CHARS) - INDENT.length;
  if (options.brief !== true) {
    for (const line of wrapWords(printable(finding.explanation), width))
      lines.push(`${INDENT}${line}`);
    wrapWords(printable(finding.advice), width - 2).forEach((line, i) => {
      lines.push(`${INDENT}${i === 0 ? pc.dim("→ ") : "  "}${line}`);
    });
  }
  for (const line of wrapWords(evidenceText(finding), width))
    lines.push(`${INDENT}${pc.dim(line)}`);
  return lines;
}

/**
 * "frames 12, 14 · connection 0 · exchanges 3, 7 · 127.0.0.1:8080 · confidence 90%", printable
 * (a fact can be a request's target from the capture).
 */
export function evidenceText(finding: Finding): string {
  const { frames, connections, exchanges, facts } = finding.evidence;
  const parts: string[] = [];
  if (frames.length > 0) parts.push(`${plural(frames.length, "frame")} ${listed(frames)}`);
  if (connections && connections.length > 0) {
    parts.push(`${plural(connections.length, "connection")} ${listed(connections)}`);
  }
  if (exchanges && exchanges.length > 0) {
    parts.push(`${plural(exchanges.length, "exchange")} ${listed(exchanges)}`);
  }
  if (finding.endpoint) parts.push(printable(finding.endpoint));
  if (facts) {
    for (const [name, value] of Object.entries(facts)) {
      parts.push(`${printable(name)}=${printable(String(value), MAX_FACT_CHARS)}`);
    }
  }
  if (parts.length > 0) parts.push(`confidence ${Math.round(finding.confidence * 100)}%`);
  return parts.join(" · ");
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

function listed(values: readonly number[]): string {
  if (values.length <= MAX_FRAMES_SHOWN) return values.join(", ");
  const more = values.length - MAX_FRAMES_SHOWN;
  return `${values.slice(0, MAX_FRAMES_SHOWN).join(", ")} and ${more} more`;
}
