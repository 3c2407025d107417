/** A 6-byte MAC address as lower-case colon-separated hex; "?" when it does not lie in `bytes`. */
export function formatMac(bytes: Uint8Array, offset: number): string {
  if (offset < 0 || offset + 6 > bytes.length) return "?";
  let text = hex2(bytes[offset]);
  for (let i = 1; i < 6; i++) text += `:${hex2(bytes[offset + i])}`;
  return text;
}

function hex2(byte: number): string {
  return byte < 16 ? `0${byte.toString(16)}` : byte.toString(16);
}
