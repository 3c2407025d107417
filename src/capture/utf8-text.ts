/**
 * Text fields of capture files (pcapng comments, names, key logs) are UTF-8, sometimes with a
 * terminating NUL that writers count in the length. Invalid sequences become U+FFFD, never errors.
 */
const decoder = new TextDecoder("utf-8", { fatal: false });

export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  while (end > start && bytes[end - 1] === 0) end--;
  return decoder.decode(bytes.subarray(start, end));
}
