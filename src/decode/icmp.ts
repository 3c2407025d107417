/**
 * ICMP for IPv4 (RFC 792): type, code, checksum and the 4-byte rest-of-header. The error messages,
 * destination unreachable (3), source quench (4, deprecated by RFC 6633 but still seen), redirect
 * (5), time exceeded (11) and parameter problem (12), quote the offending datagram's IP header and
 * at least its first 8 bytes, which icmp-quote.ts decodes. "Fragmentation needed" (3/4) carries
 * the next-hop MTU in the low 16 bits of the rest-of-header (RFC 1191 §4).
 */
import { u16be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { decodeIcmpQuote } from "./icmp-quote.ts";
import { setPayload } from "./packet-view.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const ICMP_HEADER_BYTES = 8;

export const IcmpType = {
  ECHO_REPLY: 0,
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Destination unreachable code 4: fragmentation needed and DF set. */
export const ICMP_CODE_FRAGMENTATION_NEEDED = 4;

function isIcmpError(type: number): boolean {
  return (
    type === IcmpType.DEST_UNREACHABLE ||
    type === IcmpType.SOURCE_QUENCH ||
    type === IcmpType.REDIRECT ||
    type === IcmpType.TIME_EXCEEDED ||
    type === IcmpType.PARAMETER_PROBLEM
  );
}

export function decodeIcmp(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const end = cursor.endBytes;
  if (start + ICMP_HEADER_BYTES > view.capturedEndOffset || start + ICMP_HEADER_BYTES > end) {
    stopShortHeader(view, "icmp", start, ICMP_HEADER_BYTES, end, "ICMP header");
    return;
  }
  const type = b[start];
  const code = b[start + 1];
  view.transport = "icmp";
  view.l4Offset = start;
  view.icmpType = type;
  view.icmpCode = code;
  if (type === IcmpType.DEST_UNREACHABLE && code === ICMP_CODE_FRAGMENTATION_NEEDED) {
    view.icmpMtu = u16be(b, start + 6);
  }
  setPayload(view, start + ICMP_HEADER_BYTES, end);
  if (isIcmpError(type)) decodeIcmpQuote(view, start + ICMP_HEADER_BYTES, end, 4);
}
