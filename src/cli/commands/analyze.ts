import type { Command } from "commander";
import { captureSource, finishCapture, parsePositiveInt, withCaptureInput } from "../input.ts";

interface AnalyzeFlags {
  read?: string;
  maxPackets?: number;
  json?: boolean;
  markdown?: boolean;
  all?: boolean;
  verbose?: boolean;
  slowest?: number;
  maxConnections?: number;
  maxMemory?: number;
}

export function register(program: Command): void {
  withCaptureInput(program.command("analyze"))
    .description(
      "the verdict: which layer made each slow or failed exchange slow, how many ms, which frames prove it",
    )
    .option("-c, --max-packets <n>", "read only the first N packets", parsePositiveInt)
    .option("--json", "print the Analysis object (schema wirewhy.analysis/1, docs/analysis.md)")
    .option("--markdown", "print the report as Markdown, for a ticket")
    .option(
      "--all",
      "keep every exchange (memory grows with them), not only the slowest; the text report lists every finding",
    )
    .option("-v, --verbose", "the text report lists every finding, the informational ones too")
    .option(
      "--slowest <n>",
      "keep the N slowest exchanges (default 100 in the JSON; the reports draw N, default 10)",
      parsePositiveInt,
    )
    .option(
      "--max-connections <n>",
      "at most N connections with live state; past it the oldest idle one is summarised early and the report says so",
      parsePositiveInt,
    )
    .option(
      "--max-memory <mb>",
      "the memory budget the connection cap is sized from (default 280 MB)",
      parsePositiveInt,
    )
    .action(async (file: string | undefined, flags: AnalyzeFlags) => {
      // analyze-capture.ts, not index.ts: the index also loads the zod schema (~40 ms).
      const { analyzeCapture } = await import("../../diagnose/analyze-capture.ts");
      const analysis = await analyzeCapture(captureSource(file, flags), {
        all: flags.all === true,
        ...(flags.slowest !== undefined ? { slowest: flags.slowest } : {}),
        ...(flags.maxPackets !== undefined ? { maxPackets: flags.maxPackets } : {}),
        ...(flags.maxConnections !== undefined ? { maxConnections: flags.maxConnections } : {}),
        ...(flags.maxMemory !== undefined ? { maxMemoryMB: flags.maxMemory } : {}),
      });
      // --all and --slowest also decide how many exchanges the reports draw.
      const slowestShown = flags.all ? analysis.exchanges.length : flags.slowest;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
      } else if (flags.markdown) {
        const { renderAnalysisMarkdown } = await import("../../report/analysis-markdown.ts");
        process.stdout.write(renderAnalysisMarkdown(analysis, { slowestShown }));
      } else {
        const { renderAnalysisText } = await import("../../report/analysis-text.ts");
        const verbose = flags.verbose === true || flags.all === true;
        process.stdout.write(renderAnalysisText(analysis, { slowestShown, verbose }));
      }
      // Stopping at --max-packets is what was asked for, not damage.
      const limited =
        flags.maxPackets !== undefined && analysis.capture.packets >= flags.maxPackets;
      process.exitCode = finishCapture(
        analysis.capture.warnings,
        analysis.capture.partial && !limited,
      );
    });
}
