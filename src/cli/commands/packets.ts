import type { Command } from "commander";
import {
  captureSource,
  finishCapture,
  finishOnInterrupt,
  isLiveSource,
  parsePositiveInt,
  reportInterrupted,
  withCaptureInput,
} from "../input.ts";

interface PacketsFlags {
  read?: string;
  count?: number;
  json?: boolean;
}

export function register(program: Command): void {
  withCaptureInput(program.command("packets"))
    .description("one line per packet, like tcpdump -n (frame numbers from 1, as Wireshark)")
    .option("-c, --count <n>", "stop after N packets", parsePositiveInt)
    .option("--json", "print NDJSON: one object per packet")
    .action(async (file: string | undefined, flags: PacketsFlags) => {
      const { writePackets } = await import("../../report/packets.ts");
      const { LineWriter } = await import("../../report/output.ts");
      const source = captureSource(file, flags);
      // From a pipe (a live tcpdump) each line goes out as its packet is read.
      const out = new LineWriter(1, isLiveSource(source));
      const interrupted = finishOnInterrupt(source);
      const meta = await writePackets(source, flags, out);
      if (interrupted()) {
        reportInterrupted(meta.packets);
        process.exitCode = finishCapture(meta.warnings, false);
        return;
      }
      const limited = flags.count !== undefined && meta.packets >= flags.count;
      process.exitCode = finishCapture(meta.warnings, meta.stoppedEarly && !limited && !out.closed);
    });
}
