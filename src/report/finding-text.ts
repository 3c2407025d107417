/**
 * One Finding as terminal lines, the same way in every report that prints findings (`analyze`,
 * `probe`, `host`): what and where on the first line, then the mechanism, the advice and the
 * evidence that proves it. Computes nothing.
 */
import type { Finding, Severity } from "../model/finding.ts";
import { formatMs } from "./analysis-duration-text.ts";
import { layerName } from "./analysis-layer-style.ts";
import { pc } from "./colors.ts";

export interface FindingTextOptions {
  /** 1-based place in the report's order, printed before the finding. */
  rank?: number;
  /** Columns the explanation and advice are wrapped to (default 100). */
  widthChars?: number;
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

export function findingLines(finding: Finding, options: FindingTextOptions = {}): string[] {
  const rank = options.rank === undefined ? "" : `${String(options.rank).padStart(2)}. `;
  const cost = finding.costMs > 0 ? `, ${formatMs(finding.costMs)}` : "";
  const times = finding.count > 1 ? `, ${finding.count}×` : "";
  const lines = [
    `${rank}${SEVERITY_MARK[finding.severity]} [${layerName(finding.layer)}] ${pc.bold(finding.title)} ${pc.dim(`(${finding.kind}${times}${cost})`)}`,
  ];
  const width = (options.widthChars ?? DEFAULT_WIDTH_CHARS) - INDENT.length;
  for (const line of wrapWords(finding.explanation, width)) lines.push(`${INDENT}${line}`);
  wrapWords(finding.advice, width - 2).forEach((line, i) => {
    lines.push(`${INDENT}${i === 0 ? pc.dim("→ ") : "  "}${line}`);
  });
  const evidence = evidenceText(finding);
  if (evidence.length > 0) lines.push(`${INDENT}${pc.dim(evidence)}`);
  return lines;
}

/** "frames 12, 14 · connection 0 · exchanges 3, 7 · 127.0.0.1:8080 · confidence 90%". */
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
  if (finding.endpoint) parts.push(finding.endpoint);
  if (facts) {
    for (const [name, value] of Object.entries(facts)) parts.push(`${name}=${value}`);
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

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrapWords(text: string, widthChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (word.length === 0) continue;
    if (line.length > 0 && line.length + 1 + word.length > widthChars) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
