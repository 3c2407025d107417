/** Number formatting shared by the terminal renderers. */

/**
 * The formatter for counts that are not whole numbers (Number#toLocaleString builds a new one on
 * each call), made on first use: building it loads ICU's locale data, ~11 ms.
 */
let grouped: Intl.NumberFormat | undefined;

/** A count as en-US writes it: 1,234,567. Whole numbers are grouped here, without ICU. */
export function formatCount(n: number): string {
  if (Number.isSafeInteger(n)) {
    // A comma before every run of three digits that ends the number.
    return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
  }
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
