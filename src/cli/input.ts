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
 * On a live source, Ctrl-C (SIGINT) or SIGTERM ends the input instead of the process: the pass
 * finishes on what was read and the command prints its report (tcpdump in the same pipeline gets
 * the same Ctrl-C and closes the pipe too). A second signal ends the process as usual. Returns
 * whether a signal came, for the command to say its report is of an interrupted capture.
 */
export function finishOnInterrupt(source: string): () => boolean {
  if (!isLiveSource(source)) return () => false;
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    // End the input as if the writer had closed it: what is buffered is still read.
    process.stdin.push(null);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return () => interrupted;
}

/** Says on stderr that the report covers only what was read before the signal. */
export function reportInterrupted(packets: number): void {
  process.stderr.write(
    `wirewhy: interrupted: the report covers the ${packets} packets read before the signal\n`,
  );
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
