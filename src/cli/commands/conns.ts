import type { Command } from "commander";
import { captureSource, finishCapture, parsePositiveInt, withCaptureInput } from "../input.ts";

interface ConnsFlags {
  read?: string;
  count?: number;
  json?: boolean;
  sort?: string;
  reverse?: boolean;
  filter?: string;
  series?: number;
  maxConnections?: number;
  maxMemory?: number;
}

export function register(program: Command): void {
  withCaptureInput(program.command("conns"))
    .description(
      "one row per TCP connection (like tshark -z conv,tcp) with state, history, iRTT, retransmissions, resets and vantage",
    )
    .option("-c, --count <n>", "read only the first N packets", parsePositiveInt)
    .option(
      "--sort <key>",
      "order rows by stream, start, duration, packets, bytes, irtt, retrans, resets, zero-windows, state, client, server",
      "stream",
    )
    .option("--reverse", "largest (or last) first")
    .option("--filter <expr>", "e.g. 'port 443', 'state REJ or reset', 'host 10.0.0.1 and retrans'")
    .option(
      "--series <points>",
      "keep up to N points of bytes-in-flight and window series (JSON)",
      parsePositiveInt,
    )
    .option("--json", "print one JSON object: connections and totals")
    .option(
      "--max-connections <n>",
      "at most N connections with live state; past it the oldest idle one is summarised early (totals.limits)",
      parsePositiveInt,
    )
    .option(
      "--max-memory <mb>",
      "the memory budget the connection cap is sized from (default 280 MB)",
      parsePositiveInt,
    )
    .action(async (file: string | undefined, flags: ConnsFlags) => {
      const { parseConnectionFilter } = await import("../../report/conns-filter.ts");
      const { sortConnections } = await import("../../report/conns-sort.ts");
      const predicate = parseConnectionFilter(flags.filter ?? "");
      const { analyzeConnections, connectionsForMemory, DEFAULT_MAX_MEMORY_MB } = await import(
        "../../tcp/index.ts"
      );
      const result = await analyzeConnections(captureSource(file, flags), {
        seriesMaxPoints: flags.series ?? 0,
        maxConnections: Math.min(
          flags.maxConnections ?? Number.POSITIVE_INFINITY,
          connectionsForMemory(flags.maxMemory ?? DEFAULT_MAX_MEMORY_MB),
        ),
        ...(flags.count !== undefined ? { maxPackets: flags.count } : {}),
      });
      const shown = sortConnections(
        result.connections.filter(predicate),
        flags.sort ?? "stream",
        flags.reverse === true,
      );
      if (flags.json) {
        const { capture } = result;
        // Row by row: one string of 500,000 connections is past V8's string length.
        const { writeJsonWithRows } = await import("../json-stream.ts");
        await writeJsonWithRows(
          process.stdout,
          {
            schema: "wirewhy.conns/1",
            source: capture.source,
            connections: shown,
            totals: result.totals,
          },
          "connections",
          shown,
        );
      } else {
        const { renderConnectionsText } = await import("../../report/conns-text.ts");
        process.stdout.write(
          renderConnectionsText(shown, result.totals, result.connections.length),
        );
      }
      const limited = flags.count !== undefined && result.capture.packets >= flags.count;
      process.exitCode = finishCapture(
        result.capture.warnings,
        result.capture.stoppedEarly && !limited,
      );
    });
}
