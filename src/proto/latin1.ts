/**
 * Text from protocol bytes. HTTP/1 field values are octets (RFC 9110 §5.5: recipients treat
 * obs-text as opaque data), so they are read as Latin-1: one byte, one character, never an error.
 */

/** Latin-1 text of bytes[start, end), at most `maxChars` characters. */
export function latin1Text(bytes: Uint8Array, start: number, end: number, maxChars = 8192): string {
  if (end - start > maxChars) end = start + maxChars;
  if (end <= start) return "";
  let out = "";
  // fromCharCode on slices of 4 KiB keeps argument lists small.
  for (let i = start; i < end; i += 4096) {
    const stop = Math.min(end, i + 4096);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

/**
 * latin1Text, but `previous` itself when it is already that text: a connection repeats its
 * methods, hosts, targets and reasons, and reusing the string saves building one per message.
 */
export function latin1TextReusing(
  bytes: Uint8Array,
  start: number,
  end: number,
  maxChars: number,
  previous: string,
): string {
  if (end - start > maxChars) end = start + maxChars;
  const n = end - start;
  if (n > 0 && n === previous.length) {
    let i = 0;
    while (i < n && bytes[start + i] === previous.charCodeAt(i)) i++;
    if (i === n) return previous;
  }
  return latin1Text(bytes, start, end, maxChars);
}

/** Index of the first `byte` in bytes[from, end), -1 when there is none (never looks past end). */
export function indexOfByte(bytes: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === byte) return i;
  return -1;
}

/** True when bytes[at..] begins with `ascii` (exact case); false when the bytes run out. */
export function startsWithAscii(bytes: Uint8Array, at: number, ascii: string): boolean {
  if (at + ascii.length > bytes.length) return false;
  for (let i = 0; i < ascii.length; i++) {
    if (bytes[at + i] !== ascii.charCodeAt(i)) return false;
  }
  return true;
}

/** True when bytes[start, end) equals `lowerAscii` ignoring ASCII case. */
export function equalsIgnoreCase(
  bytes: Uint8Array,
  start: number,
  end: number,
  lowerAscii: string,
): boolean {
  if (end - start !== lowerAscii.length) return false;
  for (let i = 0; i < lowerAscii.length; i++) {
    let b = bytes[start + i];
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== lowerAscii.charCodeAt(i)) return false;
  }
  return true;
}
