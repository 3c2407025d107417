/**
 * Milliseconds as the analysis reports print them: enough digits to tell a loopback round trip
 * (tens of microseconds) from zero, and seconds once the figure passes one.
 */

const MS_PER_SECOND = 1000;

export function formatMs(ms: number): string {
  if (ms === 0) return "0 ms";
  const magnitude = Math.abs(ms);
  if (magnitude >= 100 * MS_PER_SECOND) return `${(ms / MS_PER_SECOND).toFixed(0)} s`;
  if (magnitude >= 10 * MS_PER_SECOND) return `${(ms / MS_PER_SECOND).toFixed(1)} s`;
  if (magnitude >= MS_PER_SECOND) return `${(ms / MS_PER_SECOND).toFixed(2)} s`;
  if (magnitude >= 100) return `${ms.toFixed(0)} ms`;
  if (magnitude >= 10) return `${ms.toFixed(1)} ms`;
  if (magnitude >= 0.01) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A share of a whole as a whole percentage; "<1%" rather than a misleading "0%". */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return "0%";
  const percent = (part / whole) * 100;
  if (percent < 1) return "<1%";
  return `${Math.round(percent)}%`;
}
