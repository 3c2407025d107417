/**
 * Turns an exception into one clear line on stderr and an exit code. Errors with a stable `code`
 * (CaptureError and friends) are the user's input; anything else is our bug, reported without a
 * stack trace unless WIREWHY_DEBUG is set.
 */
import { printable } from "../model/printable-text.ts";
import { ExitCode } from "./exit-codes.ts";

export function reportFailure(error: unknown): number {
  const err = error as { code?: unknown; message?: unknown; stack?: unknown };
  if (err && err.code === "EPIPE") return ExitCode.OK; // `wirewhy packets F | head` closed the pipe
  if (err && typeof err.code === "string" && err.code.startsWith("commander.")) {
    return err.code === "commander.helpDisplayed" || err.code === "commander.version"
      ? ExitCode.OK
      : ExitCode.INPUT_ERROR;
  }
  // A message can quote its input (a file name, a server's reply): printable, as every report.
  const message = printable(err && typeof err.message === "string" ? err.message : String(error));
  if (err && typeof err.code === "string" && err.code.startsWith("WW_ERR_")) {
    process.stderr.write(`wirewhy: ${message}\n`);
    return ExitCode.INPUT_ERROR;
  }
  process.stderr.write(`wirewhy: internal error: ${message}\n`);
  if (process.env.WIREWHY_DEBUG && typeof err?.stack === "string") {
    process.stderr.write(`${err.stack}\n`);
  } else {
    process.stderr.write("(set WIREWHY_DEBUG=1 for details, and please report it)\n");
  }
  return ExitCode.INTERNAL;
}
