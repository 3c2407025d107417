/**
 * Durations typed on the command line: "250ms", "1.5s", "2m", or a bare number of seconds (the
 * unit of curl's --max-time, ping's -i and `wirewhy host --watch`).
 */
import { ProbeError } from "./probe-error.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

export function parseDurationMs(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)?\s*$/.exec(text);
  if (!match) {
    throw new ProbeError(
      "WW_ERR_BAD_OPTION",
      `${what}: expected a duration such as 500ms, 2s or 1.5 (seconds), got "${text}"`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] ?? "s"];
}
