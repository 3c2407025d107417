/**
 * The `wirewhy analyze` terminal report: the verdict first (the headline), then where the time
 * went (time by layer), why (the findings, failures first, with evidence and advice), what it
 * looked like (the slowest exchanges as a waterfall), and what was assumed. A healthy capture
 * gets one line and the counts. Renders an Analysis; computes nothing but the layout. Its texts
 * (the headline, the source, the assumptions) go through printable: they can quote the capture.
 */
import type { Analysis } from "../diagnose/types.ts";
import { printable } from "../model/printable-text.ts";
import { formatMs } from "./analysis-duration-text.ts";
import { analysisIsHealthy } from "./analysis-health.ts";
import { layerBar, layerBreakdown } from "./analysis-layer-bar.ts";
import { timeScopeText } from "./analysis-time-scope.ts";
import { wrapWords } from "./analysis-word-wrap.ts";
import { pc } from "./colors.ts";
import { findingLines } from "./finding-text.ts";
import { formatCount } from "./units.ts";
import { waterfallLines } from "./waterfall-text.ts";

export interface AnalysisTextOptions {
  /** Exchanges drawn in the waterfall (default 10; the Analysis holds at most its `slowest`). */
  slowestShown?: number;
  /** Findings printed in full (default 20; `--json` has every one). */
  findingsShown?: number;
  /** Every finding, the informational ones too, even in a healthy capture's report (`-v`). */
  verbose?: boolean;
}

const DEFAULT_SLOWEST_SHOWN = 10;
const DEFAULT_FINDINGS_SHOWN = 20;
const LAYER_BAR_CHARS = 60;
/** The prose is wrapped for a 100-column terminal. */
const REPORT_WIDTH_CHARS = 100;

export function renderAnalysisText(analysis: Analysis, options: AnalysisTextOptions = {}): string {
  const lines: string[] = [];
  const { capture, summary } = analysis;
  const partial = partialLine(analysis);
  const limits = limitsLine(analysis);
  const verbose = options.verbose === true;
  if (analysisIsHealthy(analysis) && !(verbose && analysis.findings.length > 0)) {
    lines.push(`${pc.green("✓ healthy:")} ${printable(summary.headline)}`);
    lines.push(
      pc.dim(`  ${printable(capture.source)}: ${countsLine(analysis)} · ${vantageLine(analysis)}`),
    );
    if (partial) lines.push(pc.yellow(`  ${partial}`));
    if (limits) lines.push(pc.yellow(`  ${limits}`));
    const quiet = analysis.findings.length;
    if (quiet > 0) {
      lines.push(
        pc.dim(
          `  (${quiet} informational ${quiet === 1 ? "finding" : "findings"}: -v or --json lists them)`,
        ),
      );
    }
    return `${lines.join("\n")}\n`;
  }
  lines.push(`${pc.bold("wirewhy analyze")} ${printable(capture.source)}`);
  lines.push(pc.dim(`${countsLine(analysis)} · ${vantageLine(analysis)}`));
  if (partial) lines.push(pc.yellow(partial));
  if (limits) lines.push(pc.yellow(limits));
  lines.push("");
  if (analysisIsHealthy(analysis)) {
    lines.push(`${pc.green("✓ healthy:")} ${printable(summary.headline)}`);
  } else {
    for (const line of wrapWords(printable(summary.headline), REPORT_WIDTH_CHARS))
      lines.push(pc.bold(line));
  }

  lines.push(
    "",
    `${pc.bold("Time by layer")} ${pc.dim(`${formatMs(summary.totalMs)} over ${timeScopeText(summary)}`)}`,
  );
  if (summary.totalMs > 0) {
    lines.push(`  ${layerBar(summary.byLayer, summary.totalMs, LAYER_BAR_CHARS)}`);
    lines.push(`  ${layerBreakdown(summary.byLayer, summary.totalMs)}`);
  } else lines.push(pc.dim("  (no exchange took any time)"));

  const findingsShown = verbose
    ? analysis.findings.length
    : (options.findingsShown ?? DEFAULT_FINDINGS_SHOWN);
  lines.push("", pc.bold(`Findings (${analysis.findings.length})`));
  const explained = new Set<string>();
  analysis.findings.slice(0, findingsShown).forEach((finding, i) => {
    if (i > 0) lines.push("");
    lines.push(...findingLines(finding, { rank: i + 1, brief: explained.has(finding.kind) }));
    explained.add(finding.kind);
  });
  const findingsLeft = analysis.findings.length - findingsShown;
  if (findingsLeft > 0) lines.push(pc.dim(`  and ${findingsLeft} more (-v or --json lists them)`));

  const shown = analysis.exchanges.slice(0, options.slowestShown ?? DEFAULT_SLOWEST_SHOWN);
  if (shown.length > 0) {
    lines.push(
      "",
      `${pc.bold("Slowest exchanges")} ${pc.dim(`(${shown.length} of ${formatCount(summary.exchanges)}, each bar from its first byte, to one scale)`)}`,
    );
    lines.push(...waterfallLines(shown));
  }

  lines.push("", pc.bold("Assumed"));
  for (const assumption of assumedLines(analysis)) {
    wrapWords(printable(assumption), REPORT_WIDTH_CHARS - 4).forEach((line, i) => {
      lines.push(`${i === 0 ? "  · " : "    "}${line}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/** "pcap, 62 packets over 840 ms, 2 connections, 21 exchanges". */
export function countsLine(analysis: Analysis): string {
  const { capture, summary } = analysis;
  return [
    `${capture.format}, ${formatCount(capture.packets)} packets over ${formatMs(capture.durationMs)}`,
    `${formatCount(summary.connections)} ${summary.connections === 1 ? "connection" : "connections"}`,
    `${formatCount(summary.exchanges)} ${summary.exchanges === 1 ? "exchange" : "exchanges"}`,
  ].join(", ");
}

/** "vantage loopback (95% sure)". */
export function vantageLine(analysis: Analysis): string {
  const { vantage } = analysis;
  return `vantage ${vantage.kind} (${Math.round(vantage.confidence * 100)}% sure)`;
}

/** Says that the report covers only part of the capture, and where reading stopped. */
export function partialLine(analysis: Analysis): string | null {
  const { capture } = analysis;
  if (!capture.partial) return null;
  const stop = capture.warnings.find((w) => w.offsetBytes !== undefined);
  const where = stop
    ? ` (reading stopped at byte ${stop.offsetBytes}: ${printable(stop.code)})`
    : "";
  return `⚠ partial: the analysis covers the first ${formatCount(capture.packets)} packets${where}`;
}

/** Says that a memory cap summarised connections early, how many and when (capture.limits). */
export function limitsLine(analysis: Analysis): string | null {
  const limits = analysis.capture.limits;
  if (limits === undefined) return null;
  if (limits.evictedConnections === 0) {
    return `⚠ memory cap: ${formatCount(limits.droppedTombstones)} closed connections were forgotten before TIME_WAIT ended (--max-memory ${limits.maxMemoryMB} MB): a late packet of theirs would start a new tcp.stream`;
  }
  const halfOpen =
    limits.evictedHalfOpen > 0 ? ` (${formatCount(limits.evictedHalfOpen)} half-open)` : "";
  const when = `from ${formatSeconds(limits.firstEvictionMs)} to ${formatSeconds(limits.lastEvictionMs)}`;
  return `⚠ memory cap: ${formatCount(limits.evictedConnections)} connections${halfOpen} were summarised early, past ${formatCount(limits.maxConnections)} open at once (--max-connections, --max-memory ${limits.maxMemoryMB} MB), ${when}: findings from their later packets may be missing`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/**
 * What the analysis assumed, in its own words (the vantage with its evidence comes first, by the
 * Analysis contract); the vantage alone when it listed nothing.
 */
export function assumedLines(analysis: Analysis): string[] {
  if (analysis.assumptions.length > 0) return analysis.assumptions;
  const { vantage } = analysis;
  const why = vantage.evidence.length > 0 ? `: ${vantage.evidence.join("; ")}` : "";
  return [
    `captured at the ${vantage.kind} vantage, ${Math.round(vantage.confidence * 100)}% sure${why}`,
  ];
}
