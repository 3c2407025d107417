/**
 * `wirewhy analyze A.pcap B.pcap … --markdown`: the merged verdict as GitHub-flavoured Markdown
 * (summed time by layer, the finding kinds, a row per capture, the unreadable files), then each
 * capture's own Markdown report. Every text goes through markdownText or markdownCode, as in the
 * single report: a headline or a file name can quote untrusted input.
 */
import type { Analyses } from "../diagnose/analyses.ts";
import { markdownCode, markdownText } from "../model/printable-text.ts";
import { mergedCountsLine } from "./analyses-text.ts";
import { formatMs, formatShare } from "./analysis-duration-text.ts";
import { chargedLayers, layerBar } from "./analysis-layer-bar.ts";
import { type AnalysisMarkdownOptions, renderAnalysisMarkdown } from "./analysis-markdown.ts";
import { timeScopeText } from "./analysis-time-scope.ts";
import { formatCount } from "./units.ts";

const LAYER_BAR_CHARS = 40;

export function renderAnalysesMarkdown(
  analyses: Analyses,
  options: AnalysisMarkdownOptions = {},
): string {
  const { summary } = analyses;
  const lines: string[] = [];
  lines.push(
    `# wirewhy analysis of ${summary.captures === 1 ? "1 capture" : `${summary.captures} captures`}`,
    "",
  );
  lines.push(`**${markdownText(summary.headline)}**`, "");
  lines.push(markdownText(mergedCountsLine(analyses)));

  lines.push("", "## Time by layer, every capture", "");
  lines.push("| layer | time | share |", "|---|---:|---:|");
  for (const layer of chargedLayers(summary.byLayer)) {
    const ms = summary.byLayer[layer];
    lines.push(`| ${layer} | ${formatMs(ms)} | ${formatShare(ms, summary.totalMs)} |`);
  }
  lines.push(`| **all of ${timeScopeText(summary)}** | ${formatMs(summary.totalMs)} | 100% |`);
  if (summary.totalMs > 0) {
    lines.push("", `\`${layerBar(summary.byLayer, summary.totalMs, LAYER_BAR_CHARS, false)}\``);
  }

  lines.push("", `## Finding kinds (${summary.findingKinds.length})`, "");
  if (summary.findingKinds.length > 0) {
    lines.push("| kind | severity | layer | captures | occurrences | cost |");
    lines.push("|---|---|---|---:|---:|---:|");
    for (const kind of summary.findingKinds) {
      lines.push(
        `| \`${kind.kind}\` | ${kind.severity} | ${kind.layer} | ${kind.captures} | ${formatCount(kind.count)} | ${formatMs(kind.costMs)} |`,
      );
    }
  }

  lines.push("", `## Captures (${summary.captures})`, "");
  lines.push("| capture | packets | exchanges | verdict |", "|---|---:|---:|---|");
  for (const analysis of analyses.captures) {
    const partial = analysis.capture.partial ? " (partial)" : "";
    lines.push(
      `| ${markdownCode(analysis.capture.source)}${partial} | ${formatCount(analysis.capture.packets)} | ${formatCount(analysis.summary.exchanges)} | ${markdownText(analysis.summary.headline)} |`,
    );
  }
  for (const error of analyses.errors) {
    lines.push(
      `| ${markdownCode(error.source)} | | | unreadable: ${markdownText(error.message)} |`,
    );
  }

  for (const analysis of analyses.captures) {
    lines.push("", renderAnalysisMarkdown(analysis, options).trimEnd());
  }
  return `${lines.join("\n")}\n`;
}
