/**
 * IPv4 header (RFC 791 §3.1): options length from IHL, DF/MF flags and fragment offset, and the
 * protocol dispatch. Only the first fragment carries the transport header; later fragments end at
 * the IP layer with their bytes as the payload. A total length of 0 is what a TCP segmentation
 * offload super-packet shows when captured on the sending host (the NIC fills it in later): the
 * frame's own length is used instead and ipTotalLenBytes stays 0.
 */
import { u16be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { dispatchIpPayload } from "./ip-payload.ts";
import { resetNetworkLayers } from "./packet-view.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const IPV4_MIN_HEADER_BYTES = 20;
export const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
/** Fragment offset, in 8-byte units (RFC 791 §3.1). */
const FRAGMENT_OFFSET_MASK = 0x1fff;

/**
 * Where a datagram at `start` ends: where its total length says, but never past the frame that
 * carries it (`containerEnd`); a total length of 0 (a segmentation offload super-packet) is the
 * frame's own length.
 */
export function ipv4DatagramEnd(start: number, totalLen: number, containerEnd: number): number {
  const end = totalLen === 0 ? containerEnd : start + totalLen;
  return Math.min(end, containerEnd);
}

export function decodeIpv4(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const containerEnd = cursor.endBytes;
  if (start + IPV4_MIN_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(view, "ipv4", start, IPV4_MIN_HEADER_BYTES, containerEnd, "IPv4 header");
    return;
  }
  if (b[start] >> 4 !== 4) {
    stopDecoding(
      view,
      "ipv4",
      "malformed",
      start,
      IPV4_MIN_HEADER_BYTES,
      view.capturedEndOffset - start,
      "version is not 4",
    );
    return;
  }
  const headerLen = (b[start] & 0x0f) * 4;
  if (headerLen < IPV4_MIN_HEADER_BYTES) {
    stopDecoding(view, "ipv4", "malformed", start, IPV4_MIN_HEADER_BYTES, headerLen, "IHL below 5");
    return;
  }
  const totalLen = u16be(b, start + 2);
  if (totalLen !== 0 && totalLen < headerLen) {
    stopDecoding(
      view,
      "ipv4",
      "malformed",
      start,
      headerLen,
      totalLen,
      "total length below header length",
    );
    return;
  }

  // The header is sound: from here on the fields describe this packet (an inner one replaces the
  // outer's fields; tunnels[] keeps the record of the encapsulation).
  if (view.ipVersion !== 0) resetNetworkLayers(view);
  const flagsOffset = u16be(b, start + 6);
  const fragmentOffsetBytes = (flagsOffset & FRAGMENT_OFFSET_MASK) * 8;
  const protocol = b[start + 9];
  view.ipVersion = 4;
  view.ipOffset = start;
  view.ipHeaderLenBytes = headerLen;
  view.ipTotalLenBytes = totalLen;
  view.ipDscp = b[start + 1] >> 2;
  view.ipEcn = b[start + 1] & 3;
  view.ipId = u16be(b, start + 4);
  view.ipDontFragment = (flagsOffset & FLAG_DONT_FRAGMENT) !== 0;
  view.ipMoreFragments = (flagsOffset & FLAG_MORE_FRAGMENTS) !== 0;
  view.ipFragmentOffsetBytes = fragmentOffsetBytes;
  view.ipIsFragment = view.ipMoreFragments || fragmentOffsetBytes !== 0;
  view.ipTtl = b[start + 8];
  view.ipProtocol = protocol;
  view.ipChecksum = u16be(b, start + 10);
  view.ipSrcOffset = start + 12;
  view.ipDstOffset = start + 16;
  view.ipv4OptionsLenBytes = headerLen - IPV4_MIN_HEADER_BYTES;

  if (start + headerLen > view.capturedEndOffset) {
    stopShortHeader(view, "ipv4", start, headerLen, containerEnd, "IPv4 options");
    return;
  }
  const wireEnd = ipv4DatagramEnd(start, totalLen, containerEnd);
  const l4 = start + headerLen;
  dispatchIpPayload(view, cursor, 4, protocol, l4, wireEnd, fragmentOffsetBytes !== 0);
}
