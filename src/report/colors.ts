/**
 * Terminal colours, decided once per process.
 *
 * picocolors turns colours on whenever a `CI` variable exists, which puts escape codes into output
 * that is piped to a file or another program on a CI machine. wirewhy colours only a terminal:
 * `NO_COLOR` (no-color.org) turns colours off, `FORCE_COLOR` (other than "0") turns them on, and
 * otherwise standard output must be a TTY whose TERM is not "dumb".
 */
import { createColors } from "picocolors";

export function colorEnabled(
  env: NodeJS.ProcessEnv = process.env,
  isTTY: boolean = process.stdout.isTTY === true,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0";
  return isTTY && env.TERM !== "dumb";
}

export const pc = createColors(colorEnabled());
