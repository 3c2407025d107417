/**
 * ICMPv6 (RFC 4443 §2.1): type, code, checksum, then the message body. The error messages,
 * destination unreachable (1), packet too big (2, with the 32-bit MTU; RFC 8201), time exceeded (3)
 * and parameter problem (4), quote as much of the offending packet as fits (icmp-quote.ts).
 * Informational messages (echo, neighbour discovery, MLD) keep their body as the payload.
 */
import { u32be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { decodeIcmpQuote } from "./icmp-quote.ts";
import { setPayload } from "./packet-view.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

/** Every ICMPv6 message has 4 bytes of type/code/checksum and at least 4 more (RFC 4443 §2.1). */
export const ICMPV6_HEADER_BYTES = 8;

export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
} as const;

export function decodeIcmpv6(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const end = cursor.endBytes;
  if (start + ICMPV6_HEADER_BYTES > view.capturedEndOffset || start + ICMPV6_HEADER_BYTES > end) {
    stopShortHeader(view, "icmpv6", start, ICMPV6_HEADER_BYTES, end, "ICMPv6 header");
    return;
  }
  const type = b[start];
  view.transport = "icmpv6";
  view.l4Offset = start;
  view.icmpType = type;
  view.icmpCode = b[start + 1];
  if (type === Icmpv6Type.PACKET_TOO_BIG) view.icmpMtu = u32be(b, start + 4);
  setPayload(view, start + ICMPV6_HEADER_BYTES, end);
  // Error messages are types 0-127 (RFC 4443 §2.1); 1-4 are the ones defined with a quote.
  if (type >= Icmpv6Type.DEST_UNREACHABLE && type <= Icmpv6Type.PARAMETER_PROBLEM) {
    decodeIcmpQuote(view, start + ICMPV6_HEADER_BYTES, end, 6);
  }
}
