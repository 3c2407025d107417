/**
 * The `wirewhy analyze --markdown` report: the terminal report's content as GitHub-flavoured
 * Markdown for a ticket or a pull request: tables instead of aligned columns, glyph bars instead
 * of colours (a ticket shows no terminal colours). Renders an Analysis; computes nothing but the
 * layout. Every text goes through markdownText (the source through markdownCode): a headline, a
 * title or a fact can quote the capture, and in a ticket or wiki that renders HTML it must stay
 * text, not markup.
 */
import type { Analysis } from "../diagnose/types.ts";
import type { Finding } from "../model/finding.ts";
import { markdownCode, markdownText } from "../model/printable-text.ts";
import { formatMs, formatShare } from "./analysis-duration-text.ts";
import { analysisIsHealthy } from "./analysis-health.ts";
import { chargedLayers, layerBar } from "./analysis-layer-bar.ts";
import { layerLegend } from "./analysis-layer-style.ts";
import { assumedLines, countsLine, limitsLine, partialLine, vantageLine } from "./analysis-text.ts";
import { timeScopeText } from "./analysis-time-scope.ts";
import { evidenceText } from "./finding-text.ts";
import { formatCount } from "./units.ts";
import { exchangeLabel, exchangeStatus, phaseBar, phaseSummary } from "./waterfall-text.ts";

export interface AnalysisMarkdownOptions {
  /** Exchanges in the slowest-exchanges table (default 10). */
  slowestShown?: number;
}

const DEFAULT_SLOWEST_SHOWN = 10;
const LAYER_BAR_CHARS = 40;
const EXCHANGE_BAR_CHARS = 30;

export function renderAnalysisMarkdown(
  analysis: Analysis,
  options: AnalysisMarkdownOptions = {},
): string {
  const { capture, summary } = analysis;
  const lines: string[] = [];
  const partial = partialLine(analysis);
  const limits = limitsLine(analysis);
  if (analysisIsHealthy(analysis)) {
    lines.push(`**Healthy:** ${markdownText(summary.headline)}`, "");
    lines.push(
      `${markdownCode(capture.source)}: ${markdownText(countsLine(analysis))} · ${markdownText(vantageLine(analysis))}`,
    );
    if (partial) lines.push("", `> ${markdownText(partial)}`);
    if (limits) lines.push("", `> ${markdownText(limits)}`);
    if (limits) lines.push("", `> ${markdownText(limits)}`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(`## wirewhy analysis of ${markdownCode(capture.source)}`, "");
  lines.push(`**${markdownText(summary.headline)}**`, "");
  lines.push(`${markdownText(countsLine(analysis))} · ${markdownText(vantageLine(analysis))}`);
  if (partial) lines.push("", `> ${markdownText(partial)}`);

  lines.push("", "### Time by layer", "");
  lines.push("| layer | time | share |", "|---|---:|---:|");
  for (const layer of chargedLayers(summary.byLayer)) {
    const ms = summary.byLayer[layer];
    lines.push(`| ${layer} | ${formatMs(ms)} | ${formatShare(ms, summary.totalMs)} |`);
  }
  lines.push(`| **all of ${timeScopeText(summary)}** | ${formatMs(summary.totalMs)} | 100% |`);
  if (summary.totalMs > 0) {
    lines.push("", `\`${layerBar(summary.byLayer, summary.totalMs, LAYER_BAR_CHARS, false)}\``);
  }

  lines.push("", `### Findings (${analysis.findings.length})`, "");
  if (analysis.findings.length > 0) {
    lines.push("| # | severity | layer | finding | cost | count | evidence |");
    lines.push("|---:|---|---|---|---:|---:|---|");
    analysis.findings.forEach((finding, i) => {
      lines.push(findingRow(finding, i + 1));
    });
    lines.push("");
    // Each kind's mechanism and advice once: grouped kinds repeat them per server endpoint.
    const explainedAt = new Map<string, number>();
    analysis.findings.forEach((finding, i) => {
      const first = explainedAt.get(finding.kind);
      if (first === undefined) {
        explainedAt.set(finding.kind, i + 1);
        lines.push(
          `${i + 1}. **${markdownText(finding.title)}** ${markdownText(finding.explanation)} *What to do:* ${markdownText(finding.advice)}`,
        );
      } else
        lines.push(
          `${i + 1}. **${markdownText(finding.title)}** The same mechanism and advice as ${first}.`,
        );
    });
  }

  const shown = analysis.exchanges.slice(0, options.slowestShown ?? DEFAULT_SLOWEST_SHOWN);
  if (shown.length > 0) {
    let longestMs = 0;
    for (const exchange of shown) longestMs = Math.max(longestMs, exchange.durationMs);
    lines.push(
      "",
      `### Slowest exchanges (${shown.length} of ${formatCount(summary.exchanges)})`,
      "",
    );
    lines.push("| # | request | status | time | conn | phases | to scale |");
    lines.push("|---:|---|---|---:|---:|---|---|");
    for (const exchange of shown) {
      const bar = phaseBar(exchange, longestMs, EXCHANGE_BAR_CHARS, false);
      lines.push(
        `| ${exchange.id} | ${markdownText(exchangeLabel(exchange))} | ${exchangeStatus(exchange)} | ${formatMs(exchange.durationMs)} | ${exchange.connection} | ${markdownText(phaseSummary(exchange.phases, false))} | \`${bar}\` |`,
      );
    }
    lines.push("", `Key: ${layerLegend(chargedLayers(summary.byLayer), false)}`);
  }

  lines.push("", "### Assumed", "");
  for (const line of assumedLines(analysis)) lines.push(`- ${markdownText(line)}`);
  return `${lines.join("\n")}\n`;
}

function findingRow(finding: Finding, rank: number): string {
  return `| ${rank} | ${finding.severity} | ${finding.layer} | ${markdownText(finding.title)} (\`${finding.kind}\`) | ${formatMs(finding.costMs)} | ${finding.count} | ${markdownText(evidenceText(finding))} |`;
}
