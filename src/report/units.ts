/** Number formatting shared by the terminal renderers. */

/**
 * One formatter for every count (Number#toLocaleString builds a new one on each call), made on
 * first use: building it loads ICU's locale data, ~11 ms that a command printing JSON never needs.
 */
let grouped: Intl.NumberFormat | undefined;

export function formatCount(n: number): string {
  grouped ??= new Intl.NumberFormat("en-US");
  return grouped.format(n);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

export function formatBitRate(bitsPerSec: number): string {
  if (bitsPerSec >= 1e9) return `${(bitsPerSec / 1e9).toFixed(2)} Gbit/s`;
  if (bitsPerSec >= 1e6) return `${(bitsPerSec / 1e6).toFixed(2)} Mbit/s`;
  if (bitsPerSec >= 1e3) return `${(bitsPerSec / 1e3).toFixed(2)} kbit/s`;
  return `${bitsPerSec.toFixed(0)} bit/s`;
}
