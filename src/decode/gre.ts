/**
 * GRE (IP protocol 47). Version 0 (RFC 2784 with RFC 2890's key and sequence number): flags
 * C (checksum + reserved, 4 bytes), K (key, 4), S (sequence, 4), then the payload's protocol type,
 * an EtherType: IPv4, IPv6, or 0x6558 transparent Ethernet bridging (gretap). The RFC 1701 routing
 * bit R, obsolete, is unsupported. Version 1 is PPTP's enhanced GRE (RFC 2637 §4.1): key always
 * present (payload length + call ID), optional sequence and acknowledgment numbers, PPP inside.
 * ERSPAN (types II and III) is named but not decoded.
 */
import { u16be } from "./big-endian.ts";
import { type DecodeCursor, Layer } from "./cursor.ts";
import { EtherType } from "./ether-types.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import { enterTunnel } from "./tunnel.ts";
import type { PacketView } from "./types.ts";

export const GRE_MIN_HEADER_BYTES = 4;
const GRE_FLAG_CHECKSUM = 0x8000;
const GRE_FLAG_ROUTING = 0x4000;
const GRE_FLAG_KEY = 0x2000;
const GRE_FLAG_SEQUENCE = 0x1000;
/** Enhanced GRE's acknowledgment-number-present flag (RFC 2637 §4.1). */
const GRE_FLAG_ACK = 0x0080;
const GRE_VERSION_MASK = 0x0007;

export function decodeGre(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const end = cursor.endBytes;
  if (start + GRE_MIN_HEADER_BYTES > view.capturedEndOffset || start + GRE_MIN_HEADER_BYTES > end) {
    stopShortHeader(view, "gre", start, GRE_MIN_HEADER_BYTES, end, "GRE header");
    return;
  }
  const flags = u16be(b, start);
  const protocol = u16be(b, start + 2);
  const version = flags & GRE_VERSION_MASK;
  let headerLen = GRE_MIN_HEADER_BYTES;
  if (version === 0) {
    if (flags & GRE_FLAG_ROUTING) {
      stopWholeHeader(view, "unsupported", start, "RFC 1701 source routing");
      return;
    }
    if (flags & GRE_FLAG_CHECKSUM) headerLen += 4;
    if (flags & GRE_FLAG_KEY) headerLen += 4;
    if (flags & GRE_FLAG_SEQUENCE) headerLen += 4;
  } else if (version === 1) {
    if ((flags & GRE_FLAG_KEY) === 0 || protocol !== EtherType.PPP) {
      stopWholeHeader(view, "malformed", start, "enhanced GRE without key or PPP");
      return;
    }
    headerLen += 4;
    if (flags & GRE_FLAG_SEQUENCE) headerLen += 4;
    if (flags & GRE_FLAG_ACK) headerLen += 4;
  } else {
    stopWholeHeader(view, "unsupported", start, "GRE version above 1");
    return;
  }
  if (start + headerLen > view.capturedEndOffset || start + headerLen > end) {
    stopShortHeader(view, "gre", start, headerLen, end, "GRE optional fields");
    return;
  }
  if (!enterTunnel(view, "gre", start)) return;
  cursor.offsetBytes = start + headerLen;
  switch (protocol) {
    case EtherType.IPV4:
    case EtherType.IPV6:
      view.etherType = protocol;
      cursor.next = Layer.ETHERTYPE_PAYLOAD;
      return;
    case EtherType.TRANSPARENT_ETHERNET:
      cursor.next = Layer.ETHERNET;
      return;
    case EtherType.PPP:
      cursor.next = Layer.PPP;
      return;
    case EtherType.ERSPAN_TYPE_2:
    case EtherType.ERSPAN_TYPE_3:
      stopDecoding(
        view,
        "gre",
        "unsupported",
        start + headerLen,
        0,
        view.capturedEndOffset - start - headerLen,
        "ERSPAN mirror payload",
      );
      return;
  }
  // Any other payload type (MPLS, WCCP, NSH...): the GRE header was read, nothing more to do.
}

/** GRE that is not decoded further: the stop covers everything captured from its header on. */
function stopWholeHeader(
  view: PacketView,
  reason: "malformed" | "unsupported",
  start: number,
  detail: string,
): void {
  stopDecoding(view, "gre", reason, start, 0, view.capturedEndOffset - start, detail);
}
