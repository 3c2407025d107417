/**
 * The capture a command reads: a positional FILE or tcpdump/tshark's `-r FILE`; "-" is standard
 * input. Also the common ending of capture commands: warnings on stderr and the exit code.
 */
import { fstatSync } from "node:fs";
import type { Command } from "commander";
import type { CaptureWarning } from "../capture/types.ts";
import { printable } from "../model/printable-text.ts";
import { ExitCode } from "./exit-codes.ts";

export class UsageError extends Error {
  readonly code = "WW_ERR_USAGE";
}

export function withCaptureInput(command: Command): Command {
  return command
    .argument(
      "[file]",
      'capture file (pcap or pcapng, optionally gzip-compressed; "-" reads stdin)',
    )
    .option("-r, --read <file>", "capture file to read (as tcpdump -r)");
}

export function captureSource(file: string | undefined, options: { read?: string }): string {
  const source = options.read ?? file;
  if (!source)
    throw new UsageError("no capture given: pass FILE, -r FILE, or - for standard input");
  return source;
}

/**
 * Whether the capture comes as it happens: standard input that is a pipe, a socket or a terminal
 * (`tcpdump -U -w - | wirewhy packets -`), not a redirected file. Line outputs then go out as
 * they are made.
 */
export function isLiveSource(source: string): boolean {
  if (source !== "-") return false;
  try {
    return !fstatSync(0).isFile();
  } catch {
    return false;
  }
}

/**
 * Prints the reader's warnings on stderr and returns the exit code for what was read. With
 * `source` (one of several captures) each line names the file.
 */
export function finishCapture(
  warnings: CaptureWarning[],
  partial: boolean,
  quiet = false,
  source?: string,
): number {
  if (!quiet) {
    const file = source !== undefined ? `${printable(source)}: ` : "";
    for (const w of warnings) {
      const where = w.offsetBytes !== undefined ? ` at byte ${w.offsetBytes}` : "";
      const frame = w.frame !== undefined ? ` (frame ${w.frame})` : "";
      process.stderr.write(
        `wirewhy: ${file}warning [${printable(w.code)}]${where}${frame}: ${printable(w.message)}\n`,
      );
    }
  }
  return partial ? ExitCode.PARTIAL : ExitCode.OK;
}

/** commander parser for counts such as `-c N`. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`expected a positive whole number, got "${value}"`);
  }
  return n;
}
