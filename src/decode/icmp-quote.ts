/**
 * The packet quoted inside an ICMP or ICMPv6 error: its IP header and the first 8 bytes of its
 * transport header (RFC 792; RFC 1812 §4.3.2.3 and RFC 4443 §3 allow more), which is enough for
 * both ports and, for TCP, the sequence number. That is how an error is tied back to the
 * connection it concerns. Decoded only as far as the quote goes; nothing here stops the packet.
 */
import { u16be, u32be } from "./big-endian.ts";
import { hasPorts, IpProtocol } from "./ip-protocols.ts";
import { IPV4_MIN_HEADER_BYTES } from "./ipv4.ts";
import { IPV6_HEADER_BYTES, ipv6ExtensionLenBytes, isIpv6Extension } from "./ipv6.ts";
import type { PacketView } from "./types.ts";

/** A quote seldom holds extension headers; a few are walked, no more. */
const MAX_QUOTED_EXTENSIONS = 8;
const FRAGMENT_OFFSET_MASK_V4 = 0x1fff;
const FRAGMENT_OFFSET_MASK_V6 = 0xfff8;

/** Decodes the quote at `start`, ending at `end` (the ICMP message's end on the wire). */
export function decodeIcmpQuote(
  view: PacketView,
  start: number,
  end: number,
  version: 4 | 6,
): void {
  const b = view.bytes;
  const limit = Math.min(end, view.capturedEndOffset);
  const quote = view.icmpQuote;
  let protocol: number;
  let t: number;
  if (version === 4) {
    if (start + IPV4_MIN_HEADER_BYTES > limit || b[start] >> 4 !== 4) return;
    const headerLen = (b[start] & 0x0f) * 4;
    if (headerLen < IPV4_MIN_HEADER_BYTES) return;
    quote.present = true;
    quote.ipVersion = 4;
    quote.srcOffset = start + 12;
    quote.dstOffset = start + 16;
    protocol = b[start + 9];
    quote.protocol = protocol;
    // A later fragment quoted: its first bytes are not a transport header.
    if ((u16be(b, start + 6) & FRAGMENT_OFFSET_MASK_V4) !== 0) return;
    t = start + headerLen;
  } else {
    if (start + IPV6_HEADER_BYTES > limit || b[start] >> 4 !== 6) return;
    quote.present = true;
    quote.ipVersion = 6;
    quote.srcOffset = start + 8;
    quote.dstOffset = start + 24;
    protocol = b[start + 6];
    t = start + IPV6_HEADER_BYTES;
    for (let n = 0; n < MAX_QUOTED_EXTENSIONS && isIpv6Extension(protocol); n++) {
      if (t + 2 > limit) break;
      if (protocol === IpProtocol.IPV6_FRAGMENT) {
        if (t + 4 > limit || (u16be(b, t + 2) & FRAGMENT_OFFSET_MASK_V6) !== 0) {
          quote.protocol = b[t];
          return;
        }
      }
      const next = b[t];
      t += ipv6ExtensionLenBytes(b, t, protocol);
      protocol = next;
    }
    quote.protocol = protocol;
    if (isIpv6Extension(protocol)) return;
  }
  if (!hasPorts(protocol) || t + 4 > limit) return;
  quote.srcPort = u16be(b, t);
  quote.dstPort = u16be(b, t + 2);
  if (protocol === IpProtocol.TCP && t + 8 <= limit) quote.tcpSeq = u32be(b, t + 4);
}
