/**
 * Durations in the words of findings: "0.4 ms", "42 ms", "1.25 s". The precision follows the
 * magnitude, so a sentence never shows more digits than the capture's timestamps can back.
 */
export function msText(ms: number): string {
  if (!Number.isFinite(ms)) return "? ms";
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 10) return `${Math.round(ms)} ms`;
  if (abs >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** "1 request", "3 requests". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Milliseconds to the microsecond: capture timestamps carry no more. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
