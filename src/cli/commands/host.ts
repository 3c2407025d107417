import type { Command } from "commander";
import { ExitCode } from "../exit-codes.ts";
import { parsePositiveInt, UsageError } from "../input.ts";

interface HostFlags {
  watch?: string;
  port?: number;
  pid?: number;
  netns?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("host")
    .description(
      "this host's side: listeners with accept queue vs backlog and their processes, TCP states per port, kernel counters (--watch: what rose, by layer)",
    )
    .option("--watch <seconds>", "watch this long and report the kernel counters that rose")
    .option("--port <port>", "only this port", parsePositiveInt)
    .option("--pid <pid>", "only sockets of this process", parsePositiveInt)
    .option("--netns <name>", "read inside this network namespace (ip netns; root)")
    .option("--json", "print a JSON object")
    .action(async (flags: HostFlags) => {
      const { hostReport } = await import("../../host/host-report.ts");
      let watchSeconds: number | undefined;
      if (flags.watch !== undefined) {
        watchSeconds = Number(flags.watch);
        if (!Number.isFinite(watchSeconds) || watchSeconds <= 0) {
          throw new UsageError(`--watch: expected a number of seconds, got "${flags.watch}"`);
        }
        if (!flags.json && process.stderr.isTTY) {
          process.stderr.write(`watching for ${watchSeconds} s...\n`);
        }
      }
      const report = await hostReport({
        watchSeconds,
        port: flags.port,
        pid: flags.pid,
        netns: flags.netns,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const { renderHostText } = await import("../../report/host-text.ts");
        process.stdout.write(renderHostText(report));
      }
      process.exitCode = report.findings.some((f) => f.severity === "error")
        ? ExitCode.VERDICT_FAILED
        : ExitCode.OK;
    });
}
