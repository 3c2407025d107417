/**
 * IPv6 header (RFC 8200 §3) and the extension headers before the upper-layer header: hop-by-hop
 * (0), routing (43), fragment (44), destination options (60), mobility (135), HIP (139) and shim6
 * (140), which share the "next header, length in 8-octet units not counting the first" layout
 * (RFC 8200 §4, RFC 6564), and AH (51), whose length counts 4-octet units minus 2 (RFC 4302 §2.2).
 * ESP (50) encrypts what follows and No Next Header (59) has nothing after it: both end the walk.
 * A payload length of 0 means a jumbogram (RFC 2675) or a segmentation-offload super-packet
 * captured on the sender: the frame's own length is used and ipTotalLenBytes stays 0.
 */
import { u16be, u32be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { dispatchIpPayload } from "./ip-payload.ts";
import { IpProtocol } from "./ip-protocols.ts";
import { MAX_IPV6_EXTENSIONS, resetNetworkLayers } from "./packet-view.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const IPV6_HEADER_BYTES = 40;
const FRAGMENT_HEADER_BYTES = 8;
/** Fragment offset in 8-octet units in the top 13 bits: masking the low 3 leaves bytes. */
const FRAGMENT_OFFSET_BYTES_MASK = 0xfff8;
const FRAGMENT_MORE = 0x0001;

/** True for the next-header values that are extension headers this walker steps over. */
export function isIpv6Extension(nextHeader: number): boolean {
  return (
    nextHeader === IpProtocol.HOP_BY_HOP ||
    nextHeader === IpProtocol.IPV6_ROUTING ||
    nextHeader === IpProtocol.IPV6_FRAGMENT ||
    nextHeader === IpProtocol.IPV6_DEST_OPTS ||
    nextHeader === IpProtocol.AH ||
    nextHeader === IpProtocol.MOBILITY ||
    nextHeader === IpProtocol.HIP ||
    nextHeader === IpProtocol.SHIM6
  );
}

/** Length of the extension header at `offset`; needs 2 bytes there. */
export function ipv6ExtensionLenBytes(b: Uint8Array, offset: number, nextHeader: number): number {
  if (nextHeader === IpProtocol.IPV6_FRAGMENT) return FRAGMENT_HEADER_BYTES;
  if (nextHeader === IpProtocol.AH) return (b[offset + 1] + 2) * 4;
  return (b[offset + 1] + 1) * 8;
}

export function decodeIpv6(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const containerEnd = cursor.endBytes;
  if (start + IPV6_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(view, "ipv6", start, IPV6_HEADER_BYTES, containerEnd, "IPv6 header");
    return;
  }
  if (b[start] >> 4 !== 6) {
    stopDecoding(
      view,
      "ipv6",
      "malformed",
      start,
      IPV6_HEADER_BYTES,
      view.capturedEndOffset - start,
      "version is not 6",
    );
    return;
  }
  if (view.ipVersion !== 0) resetNetworkLayers(view);
  const payloadLen = u16be(b, start + 4);
  const trafficClass = ((b[start] & 0x0f) << 4) | (b[start + 1] >> 4);
  view.ipVersion = 6;
  view.ipOffset = start;
  view.ipTotalLenBytes = payloadLen === 0 ? 0 : IPV6_HEADER_BYTES + payloadLen;
  view.ipDscp = trafficClass >> 2;
  view.ipEcn = trafficClass & 3;
  view.ipTtl = b[start + 7];
  view.ipSrcOffset = start + 8;
  view.ipDstOffset = start + 24;

  let wireEnd = payloadLen === 0 ? containerEnd : start + IPV6_HEADER_BYTES + payloadLen;
  if (wireEnd > containerEnd) wireEnd = containerEnd;
  let nextHeader = b[start + 6];
  let offset = start + IPV6_HEADER_BYTES;
  let laterFragment = false;
  while (isIpv6Extension(nextHeader)) {
    view.ipProtocol = nextHeader;
    view.ipHeaderLenBytes = offset - start;
    if (view.ipv6ExtCount === MAX_IPV6_EXTENSIONS) {
      stopDecoding(
        view,
        "ipv6",
        "malformed",
        offset,
        0,
        view.capturedEndOffset - offset,
        "more than 16 extension headers",
      );
      return;
    }
    if (offset + 2 > view.capturedEndOffset || offset + 2 > wireEnd) {
      stopShortHeader(view, "ipv6", offset, 2, wireEnd, "IPv6 extension header");
      return;
    }
    const extLen = ipv6ExtensionLenBytes(b, offset, nextHeader);
    if (offset + extLen > view.capturedEndOffset || offset + extLen > wireEnd) {
      stopShortHeader(view, "ipv6", offset, extLen, wireEnd, "IPv6 extension header");
      return;
    }
    view.ipv6Ext[view.ipv6ExtCount++] = nextHeader;
    if (nextHeader === IpProtocol.IPV6_FRAGMENT) {
      const offsetFlags = u16be(b, offset + 2);
      view.ipFragmentOffsetBytes = offsetFlags & FRAGMENT_OFFSET_BYTES_MASK;
      view.ipMoreFragments = (offsetFlags & FRAGMENT_MORE) !== 0;
      // An "atomic fragment" (offset 0, M clear; RFC 6946) is a whole packet, not a fragment.
      view.ipIsFragment = view.ipMoreFragments || view.ipFragmentOffsetBytes !== 0;
      view.ipId = u32be(b, offset + 4);
      if (view.ipFragmentOffsetBytes !== 0) {
        // A later fragment: what follows is the middle of the fragmentable part, not headers.
        laterFragment = true;
        nextHeader = b[offset];
        offset += extLen;
        break;
      }
    }
    nextHeader = b[offset];
    offset += extLen;
  }
  view.ipProtocol = nextHeader;
  view.ipHeaderLenBytes = offset - start;
  dispatchIpPayload(view, cursor, 6, nextHeader, offset, wireEnd, laterFragment);
}
