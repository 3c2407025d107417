import type { Command } from "commander";
import type { Exchange } from "../../exchange/types.ts";
import {
  captureSource,
  finishCapture,
  isLiveSource,
  parsePositiveInt,
  withCaptureInput,
} from "../input.ts";

interface ExchangesFlags {
  read?: string;
  count?: number;
  maxPackets?: number;
  json?: boolean;
  filter?: string;
  dnsPort?: number[];
}

function collectPort(value: string, previous: number[] = []): number[] {
  return [...previous, parsePositiveInt(value)];
}

export function register(program: Command): void {
  withCaptureInput(program.command("exchanges"))
    .description(
      "one row per request and its response (HTTP/1, HTTP/2, TLS, DNS, other protocols' turns) with its phases: dns, connect, tls, request, wait, response",
    )
    .option("-c, --count <n>", "read only the first N packets", parsePositiveInt)
    .option("--max-packets <n>", "same as --count", parsePositiveInt)
    .option(
      "--filter <expr>",
      "the conns filter on each exchange's connection ('port 443 and retrans'), and the exchange's own terms: status 5xx, method POST, path /api, slow 100ms, layer server-app, failed",
    )
    .option("--dns-port <port>", "a UDP port that carries DNS besides 53 (repeatable)", collectPort)
    .option("--json", "print one JSON object, streamed: schema, source, exchanges, summary")
    .action(async (file: string | undefined, flags: ExchangesFlags) => {
      const source = captureSource(file, flags);
      const maxPackets = flags.count ?? flags.maxPackets;
      const { runPass } = await import("../../exchange/index.ts");
      const { FilteredExchanges } = await import("../../report/exchanges-filter.ts");
      const json = flags.json === true;
      const { ExchangesJsonWriter } = await import("../../report/exchanges-json.ts");
      const { ExchangesTextWriter } = await import("../../report/exchanges-text.ts");
      const live = isLiveSource(source);
      const jsonOut = json ? new ExchangesJsonWriter(live) : undefined;
      const textOut = json ? undefined : new ExchangesTextWriter(live);
      const show = (x: Exchange) => {
        if (jsonOut) jsonOut.exchange(x);
        else textOut?.exchange(x);
      };
      const observer =
        flags.filter !== undefined && flags.filter.trim() !== ""
          ? new FilteredExchanges(flags.filter, show)
          : { onExchange: show };
      jsonOut?.begin(source);
      textOut?.header();
      const result = await runPass(source, {
        observers: [observer],
        // Only the count of connections is printed: no summary needs keeping.
        keepConnections: false,
        ...(maxPackets !== undefined ? { maxPackets } : {}),
        ...(flags.dnsPort !== undefined ? { dnsPorts: flags.dnsPort } : {}),
      });
      const connections = result.totals.connections;
      if (jsonOut) {
        jsonOut.end({
          exchanges: result.exchanges,
          dnsTransactions: result.dnsTransactions,
          connections,
          packets: result.capture.packets,
          anomalies: result.anomalies,
        });
      } else {
        textOut?.footer(result.exchanges, result.dnsTransactions, connections);
      }
      const limited = maxPackets !== undefined && result.capture.packets >= maxPackets;
      process.exitCode = finishCapture(
        result.capture.warnings,
        result.capture.stoppedEarly && !limited,
      );
    });
}
