import type { Command } from "commander";
import type { Analysis } from "../../diagnose/types.ts";
import { ExitCode } from "../exit-codes.ts";
import {
  captureSource,
  finishCapture,
  finishOnInterrupt,
  parsePositiveInt,
  reportInterrupted,
} from "../input.ts";

interface AnalyzeFlags {
  read?: string;
  count?: number;
  maxPackets?: number;
  json?: boolean;
  markdown?: boolean;
  all?: boolean;
  verbose?: boolean;
  slowest?: number;
  jobs?: number;
  progress?: boolean;
  maxConnections?: number;
  maxMemory?: number;
}

export function register(program: Command): void {
  program
    .command("analyze")
    .argument(
      "[files...]",
      'capture files (pcap or pcapng, optionally gzip-compressed; "-" reads stdin) or directories of them',
    )
    .option("-r, --read <file>", "capture file to read (as tcpdump -r)")
    .description(
      "the verdict: which layer made each slow or failed exchange slow, how many ms, which frames prove it",
    )
    .option("-c, --count <n>", "read only the first N packets", parsePositiveInt)
    .option("--max-packets <n>", "same as --count", parsePositiveInt)
    .option(
      "--json",
      "print the Analysis object (schema wirewhy.analysis/1; several captures: wirewhy.analyses/1, docs/analysis.md)",
    )
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
      "-j, --jobs <n>",
      "several captures: analyze N at once, each in its own thread (default: one per core, at most 8)",
      parsePositiveInt,
    )
    .option("--no-progress", "no progress bar on standard error (drawn only on a terminal)")
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
    .action(async (files: string[], flags: AnalyzeFlags) => {
      const { isDirectory } = await import("../analyze-many.ts");
      const sources = flags.read !== undefined ? [flags.read, ...files] : files;
      if (sources.length > 1 || (sources.length === 1 && isDirectory(sources[0]!))) {
        await analyzeSeveral(sources, flags);
      } else {
        await analyzeOne(captureSource(sources[0], {}), flags);
      }
    });
}

function jobOptions(flags: AnalyzeFlags) {
  return {
    all: flags.all === true,
    ...(flags.slowest !== undefined ? { slowest: flags.slowest } : {}),
    ...(packetLimit(flags) !== undefined ? { maxPackets: packetLimit(flags) } : {}),
    ...(flags.maxConnections !== undefined ? { maxConnections: flags.maxConnections } : {}),
    ...(flags.maxMemory !== undefined ? { maxMemoryMB: flags.maxMemory } : {}),
  };
}

/** -c/--count, as every command names it (--max-packets: the older name). */
function packetLimit(flags: AnalyzeFlags): number | undefined {
  return flags.count ?? flags.maxPackets;
}

/** Stopping at --count is what was asked for, not damage. */
function damaged(analysis: Analysis, flags: AnalyzeFlags): boolean {
  const limit = packetLimit(flags);
  const limited = limit !== undefined && analysis.capture.packets >= limit;
  return analysis.capture.partial && !limited;
}

async function analyzeOne(source: string, flags: AnalyzeFlags): Promise<void> {
  const interrupted = finishOnInterrupt(source);
  // analyze-capture.ts, not index.ts: the index also loads the zod schema (~40 ms).
  const { analyzeCapture } = await import("../../diagnose/analyze-capture.ts");
  const { progressWanted } = await import("../progress.ts");
  let analysis: Analysis;
  if (progressWanted(flags.progress)) {
    const { measurableBytes, ProgressBar } = await import("../progress.ts");
    const bar = new ProgressBar([measurableBytes(source)]);
    bar.draw(true);
    try {
      analysis = await analyzeCapture(source, {
        ...jobOptions(flags),
        onProgress: (packets, offsetBytes) => bar.update(0, packets, offsetBytes),
      });
    } finally {
      bar.clear();
    }
  } else {
    analysis = await analyzeCapture(source, jobOptions(flags));
  }
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
  if (interrupted()) {
    // What was in flight at the signal is capture-ended, as for any capture that stops.
    reportInterrupted(analysis.capture.packets);
    process.exitCode = finishCapture(analysis.capture.warnings, false);
    return;
  }
  process.exitCode = finishCapture(analysis.capture.warnings, damaged(analysis, flags));
}

/**
 * Several captures (or a directory): one merged report, schema wirewhy.analyses/1. Exit code: 0
 * when every file was read whole, 3 when one was damaged or could not be read but others were
 * analyzed, 2 when none could be read, 70 when analyzing one hit a bug.
 */
async function analyzeSeveral(args: string[], flags: AnalyzeFlags): Promise<void> {
  const { analyzeMany, defaultJobs, expandSources } = await import("../analyze-many.ts");
  const { mergeAnalyses } = await import("../../diagnose/analyses.ts");
  const { progressWanted } = await import("../progress.ts");
  const { sources, errors: dirErrors } = expandSources(args);
  const results = await analyzeMany(sources, {
    options: jobOptions(flags),
    jobs: flags.jobs ?? defaultJobs(),
    progress: progressWanted(flags.progress),
  });
  const captures: Analysis[] = [];
  const errors = [...dirErrors];
  for (const result of results) {
    if ("schema" in result) captures.push(result);
    else errors.push(result);
  }
  const analyses = mergeAnalyses(captures, errors);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(analyses, null, 2)}\n`);
  } else if (flags.markdown) {
    const { renderAnalysesMarkdown } = await import("../../report/analyses-markdown.ts");
    process.stdout.write(
      renderAnalysesMarkdown(analyses, {
        slowestShown: flags.all ? Number.POSITIVE_INFINITY : flags.slowest,
      }),
    );
  } else {
    const { renderAnalysesText } = await import("../../report/analyses-text.ts");
    const verbose = flags.verbose === true || flags.all === true;
    process.stdout.write(
      renderAnalysesText(analyses, {
        slowestShown: flags.all ? Number.POSITIVE_INFINITY : flags.slowest,
        verbose,
      }),
    );
  }
  const { printable } = await import("../../model/printable-text.ts");
  let anyDamaged = false;
  for (const analysis of captures) {
    const code = finishCapture(
      analysis.capture.warnings,
      damaged(analysis, flags),
      false,
      analysis.capture.source,
    );
    if (code !== ExitCode.OK) anyDamaged = true;
  }
  for (const error of errors) process.stderr.write(`wirewhy: ${printable(error.message)}\n`);
  process.exitCode = errors.some((e) => e.code === "WW_ERR_INTERNAL")
    ? ExitCode.INTERNAL
    : captures.length === 0
      ? ExitCode.INPUT_ERROR
      : anyDamaged || errors.length > 0
        ? ExitCode.PARTIAL
        : ExitCode.OK;
}
