/**
 * IP addresses as text, for every stage (capture's name records, decode's packet lines, tcp's
 * connection summaries): IPv4 dotted decimal, IPv6 in RFC 5952's canonical form (lower-case hex,
 * no leading zeros, the longest run of two or more zero groups, leftmost on a tie, as "::", and
 * IPv4-mapped addresses with a dotted tail, §5). Allocates a string: for output, not hot paths.
 */

/** Returns "?" when the address does not lie inside `bytes` (e.g. an offset of -1). */
export function formatIp(bytes: Uint8Array, offset: number, version: 0 | 4 | 6): string {
  if (version === 4) {
    if (offset < 0 || offset + 4 > bytes.length) return "?";
    return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  }
  if (version === 6) {
    if (offset < 0 || offset + 16 > bytes.length) return "?";
    return formatIpv6(bytes, offset);
  }
  return "?";
}

function formatIpv6(b: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[offset + 2 * i] << 8) | b[offset + 2 * i + 1]);
  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2 IPv4-mapped), written with the dotted tail (RFC 5952 §5).
  if (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    return `::ffff:${b[offset + 12]}.${b[offset + 13]}.${b[offset + 14]}.${b[offset + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    // A single zero group is not shortened (RFC 5952 §4.2.2); the first of equal runs wins (§4.2.3).
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(":");
  const head = groups
    .slice(0, bestStart)
    .map((g) => g.toString(16))
    .join(":");
  const tail = groups
    .slice(bestStart + bestLen)
    .map((g) => g.toString(16))
    .join(":");
  return `${head}::${tail}`;
}

/** Scratch bytes for formatIpWords: the flow table keeps addresses as 32-bit words. */
const wordBytes = new Uint8Array(16);

/** The same text for an address held as big-endian 32-bit words (w1..w3 unused for IPv4). */
export function formatIpWords(
  version: 4 | 6,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
): string {
  const words = [w0, w1, w2, w3];
  for (let i = 0; i < 4; i++) {
    wordBytes[4 * i] = words[i] >>> 24;
    wordBytes[4 * i + 1] = (words[i] >>> 16) & 255;
    wordBytes[4 * i + 2] = (words[i] >>> 8) & 255;
    wordBytes[4 * i + 3] = words[i] & 255;
  }
  return formatIp(wordBytes, 0, version);
}
