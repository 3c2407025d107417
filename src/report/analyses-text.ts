/**
 * The terminal report of `wirewhy analyze A.pcap B.pcap …`: the merged verdict first (the summed
 * counts, time by layer over every capture, the finding kinds with how many captures had each, a
 * line per capture, the files that could not be read), then each capture's own report as
 * `wirewhy analyze FILE` prints it. Renders an Analyses; computes nothing but the layout.
 */
import type { Analyses } from "../diagnose/analyses.ts";
import { printable } from "../model/printable-text.ts";
import { formatMs } from "./analysis-duration-text.ts";
import { analysisIsHealthy } from "./analysis-health.ts";
import { layerBar, layerBreakdown } from "./analysis-layer-bar.ts";
import { type AnalysisTextOptions, renderAnalysisText } from "./analysis-text.ts";
import { timeScopeText } from "./analysis-time-scope.ts";
import { wrapWords } from "./analysis-word-wrap.ts";
import { pc } from "./colors.ts";
import { formatCount } from "./units.ts";

const LAYER_BAR_CHARS = 60;
const REPORT_WIDTH_CHARS = 100;

export function renderAnalysesText(analyses: Analyses, options: AnalysisTextOptions = {}): string {
  const { summary } = analyses;
  const lines: string[] = [];
  lines.push(`${pc.bold("wirewhy analyze")} ${mergedCountsLine(analyses)}`);
  lines.push("");
  for (const line of wrapWords(printable(summary.headline), REPORT_WIDTH_CHARS))
    lines.push(pc.bold(line));
  lines.push(
    "",
    `${pc.bold("Time by layer, every capture")} ${pc.dim(`${formatMs(summary.totalMs)} over ${timeScopeText(summary)}`)}`,
  );
  if (summary.totalMs > 0) {
    lines.push(`  ${layerBar(summary.byLayer, summary.totalMs, LAYER_BAR_CHARS)}`);
    lines.push(`  ${layerBreakdown(summary.byLayer, summary.totalMs)}`);
  } else lines.push(pc.dim("  (no exchange took any time)"));

  const kinds = options.verbose
    ? summary.findingKinds
    : summary.findingKinds.filter((kind) => kind.severity !== "info");
  lines.push("", pc.bold(`Finding kinds (${kinds.length})`));
  for (const kind of kinds) {
    lines.push(
      `  ${kind.severity.padEnd(7)} ${kind.layer.padEnd(10)} ${kind.kind}: ${captures(kind.captures)}, ${formatCount(kind.count)} ${kind.count === 1 ? "occurrence" : "occurrences"}, ${formatMs(kind.costMs)}`,
    );
  }
  const quiet = summary.findingKinds.length - kinds.length;
  if (quiet > 0) lines.push(pc.dim(`  and ${quiet} informational (-v or --json lists them)`));

  lines.push("", pc.bold(`Captures (${summary.captures})`));
  for (const analysis of analyses.captures) {
    const mark = analysisIsHealthy(analysis) ? pc.green("✓") : pc.yellow("!");
    const partial = analysis.capture.partial ? pc.yellow(" (partial)") : "";
    lines.push(
      `  ${mark} ${printable(analysis.capture.source)}${partial}: ${printable(analysis.summary.headline)}`,
    );
  }
  for (const error of analyses.errors) {
    lines.push(`  ${pc.red("✗")} ${printable(error.source)}: ${printable(error.message)}`);
  }

  for (const analysis of analyses.captures) {
    lines.push("", pc.dim("─".repeat(REPORT_WIDTH_CHARS)), "");
    lines.push(renderAnalysisText(analysis, options).trimEnd());
  }
  return `${lines.join("\n")}\n`;
}

/** "3 captures (1 unreadable, 1 partial): 1,234 packets, 12 connections, 40 exchanges". */
export function mergedCountsLine(analyses: Analyses): string {
  const { summary } = analyses;
  const notes: string[] = [];
  if (summary.unreadable > 0) notes.push(`${summary.unreadable} unreadable`);
  if (summary.partial > 0) notes.push(`${summary.partial} partial`);
  const head = `${captures(summary.captures)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
  return `${head}: ${formatCount(summary.packets)} packets, ${formatCount(summary.connections)} ${summary.connections === 1 ? "connection" : "connections"}, ${formatCount(summary.exchanges)} ${summary.exchanges === 1 ? "exchange" : "exchanges"}`;
}

function captures(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "capture" : "captures"}`;
}
