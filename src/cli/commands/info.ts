import type { Command } from "commander";
import { captureSource, finishCapture, parsePositiveInt, withCaptureInput } from "../input.ts";

interface InfoFlags {
  read?: string;
  count?: number;
  json?: boolean;
}

export function register(program: Command): void {
  withCaptureInput(program.command("info"))
    .description(
      "describe a capture like capinfos: format, interfaces, packets, times, rates, protocols",
    )
    .option("-c, --count <n>", "read only the first N packets", parsePositiveInt)
    .option("--json", "print a JSON object")
    .action(async (file: string | undefined, flags: InfoFlags) => {
      const { captureInfo } = await import("../../census/capture-info.ts");
      const info = await captureInfo(captureSource(file, flags), { maxPackets: flags.count });
      if (flags.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else {
        const { renderInfoText } = await import("../../report/info-text.ts");
        process.stdout.write(renderInfoText(info));
      }
      // The text report lists the warnings itself; with --json they also go to stderr.
      process.exitCode = finishCapture(info.warnings, info.partial, !flags.json);
    });
}
