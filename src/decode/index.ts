/**
 * The decode stage: one call per packet fills a reused PacketView with offsets and numbers,
 * allocating nothing. The loop below is the only place that knows the order of the layers; each
 * decoder reads where its layer starts from the cursor and says which layer comes next.
 */
import type { PacketRecord } from "../capture/types.ts";
import { decodeBsdLoopback } from "./bsd-loopback.ts";
import { type DecodeCursor, decodeCursor, Layer, type LayerId } from "./cursor.ts";
import { decodeEtherTypePayload } from "./ether-type-payload.ts";
import { decodeEthernet } from "./ethernet.ts";
import { decodeEthernetIpv4Tcp } from "./ethernet-ipv4-tcp.ts";
import { decodeGre } from "./gre.ts";
import { decodeIcmp } from "./icmp.ts";
import { decodeIcmpv6 } from "./icmpv6.ts";
import { decodeIpv4 } from "./ipv4.ts";
import { decodeIpv6 } from "./ipv6.ts";
import { LinkType } from "./link-types.ts";
import { resetPacketView } from "./packet-view.ts";
import { decodePpp } from "./ppp.ts";
import { decodeRawIp } from "./raw-ip.ts";
import { decodeSll } from "./sll.ts";
import { decodeSll2 } from "./sll2.ts";
import { stopDecoding } from "./stop.ts";
import { decodeTcp } from "./tcp.ts";
import type { LinkKind, PacketView } from "./types.ts";
import { decodeUdp } from "./udp.ts";
import { decodeVxlan } from "./vxlan.ts";

export { formatIp } from "../model/ip-text.ts";
export { etherTypeName } from "./ether-type-name.ts";
export { formatMac } from "./format-mac.ts";
export { icmpTypeName } from "./icmp-type-name.ts";
export { ipProtocolName } from "./ip-protocol-name.ts";
export { LinkType } from "./link-types.ts";
export { createPacketView } from "./packet-view.ts";
export { tcpFlagsString } from "./tcp-flags-string.ts";
export type {
  DecodeStop,
  IcmpQuote,
  LinkKind,
  PacketView,
  TransportKind,
  TunnelKind,
} from "./types.ts";
export { TcpFlag } from "./types.ts";

/**
 * A bound on layers per packet, above anything the tunnel and VLAN limits allow (each tunnel adds
 * at most four steps), so that a decoder bug can never loop forever on hostile input.
 */
const MAX_LAYERS_PER_PACKET = 64;

/**
 * Decodes one captured packet into `view` (reset first) and returns it. `bytes` is what was
 * captured; `originalLenBytes` what was on the wire (a smaller `bytes` marks it truncated). Never
 * throws on packet content: whatever cannot be decoded is reported in `view.stop`.
 */
export function decodePacket(
  linkType: number,
  bytes: Uint8Array,
  originalLenBytes: number,
  view: PacketView,
): PacketView {
  return decodeBytes(linkType, bytes, 0, bytes.length, originalLenBytes, view);
}

/**
 * Decodes a record where it lies in the reader's buffer (PacketRecord.bytes at dataOffset), so
 * that no view of the packet is made: the hot path of every analysis. View offsets then index
 * the buffer (view.packetOffset is where the packet starts).
 */
export function decodeRecord(record: PacketRecord, view: PacketView): PacketView {
  return decodeBytes(
    record.linkType,
    record.bytes,
    record.dataOffset,
    record.capturedLenBytes,
    record.originalLenBytes,
    view,
  );
}

function decodeBytes(
  linkType: number,
  bytes: Uint8Array,
  startOffset: number,
  capturedLenBytes: number,
  originalLenBytes: number,
  view: PacketView,
): PacketView {
  if (
    linkType === LinkType.ETHERNET &&
    decodeEthernetIpv4Tcp(view, bytes, startOffset, capturedLenBytes, originalLenBytes)
  ) {
    return view;
  }
  return decodeLayers(linkType, bytes, startOffset, capturedLenBytes, originalLenBytes, view);
}

/** The general path: one decoder per layer, in the order the headers say. */
export function decodeLayers(
  linkType: number,
  bytes: Uint8Array,
  startOffset: number,
  capturedLenBytes: number,
  originalLenBytes: number,
  view: PacketView,
): PacketView {
  resetPacketView(view, linkType, bytes, startOffset, capturedLenBytes, originalLenBytes);
  const cursor = decodeCursor;
  cursor.offsetBytes = startOffset;
  cursor.endBytes = startOffset + Math.max(originalLenBytes, capturedLenBytes);
  cursor.next = firstLayer(linkType);
  view.link = linkKind(cursor.next);
  if (cursor.next === Layer.DONE) {
    stopDecoding(
      view,
      "link",
      "unsupported",
      startOffset,
      0,
      capturedLenBytes,
      "link type not decoded",
    );
    return view;
  }
  for (let steps = 0; cursor.next !== Layer.DONE; steps++) {
    if (steps === MAX_LAYERS_PER_PACKET) {
      stopDecoding(view, "packet", "unsupported", cursor.offsetBytes, 0, 0, "too many layers");
      break;
    }
    const layer = cursor.next;
    cursor.next = Layer.DONE;
    decodeLayer(layer, view, cursor);
  }
  return view;
}

function decodeLayer(layer: LayerId, view: PacketView, cursor: DecodeCursor): void {
  switch (layer) {
    case Layer.ETHERNET:
      decodeEthernet(view, cursor);
      return;
    case Layer.ETHERTYPE_PAYLOAD:
      decodeEtherTypePayload(view, cursor);
      return;
    case Layer.IPV4:
      decodeIpv4(view, cursor);
      return;
    case Layer.IPV6:
      decodeIpv6(view, cursor);
      return;
    case Layer.TCP:
      decodeTcp(view, cursor);
      return;
    case Layer.UDP:
      decodeUdp(view, cursor);
      return;
    case Layer.ICMP:
      decodeIcmp(view, cursor);
      return;
    case Layer.ICMPV6:
      decodeIcmpv6(view, cursor);
      return;
    case Layer.SLL:
      decodeSll(view, cursor);
      return;
    case Layer.SLL2:
      decodeSll2(view, cursor);
      return;
    case Layer.BSD_LOOPBACK:
      decodeBsdLoopback(view, cursor);
      return;
    case Layer.RAW_IP:
      decodeRawIp(view, cursor, 0);
      return;
    case Layer.RAW_IPV4:
      decodeRawIp(view, cursor, 4);
      return;
    case Layer.RAW_IPV6:
      decodeRawIp(view, cursor, 6);
      return;
    case Layer.PPP:
      decodePpp(view, cursor);
      return;
    case Layer.GRE:
      decodeGre(view, cursor);
      return;
    case Layer.VXLAN:
      decodeVxlan(view, cursor);
      return;
  }
}

/** The layer a link type starts with; DONE for link types not decoded. */
function firstLayer(linkType: number): LayerId {
  switch (linkType) {
    case LinkType.ETHERNET:
      return Layer.ETHERNET;
    case LinkType.LINUX_SLL:
      return Layer.SLL;
    case LinkType.LINUX_SLL2:
      return Layer.SLL2;
    case LinkType.NULL:
    case LinkType.LOOP:
      return Layer.BSD_LOOPBACK;
    case LinkType.RAW:
    case LinkType.DLT_RAW_12:
    case LinkType.DLT_RAW_14:
      return Layer.RAW_IP;
    case LinkType.IPV4:
      return Layer.RAW_IPV4;
    case LinkType.IPV6:
      return Layer.RAW_IPV6;
    case LinkType.PPP:
      return Layer.PPP;
    default:
      return Layer.DONE;
  }
}

function linkKind(first: LayerId): LinkKind {
  switch (first) {
    case Layer.ETHERNET:
      return "ethernet";
    case Layer.SLL:
      return "sll";
    case Layer.SLL2:
      return "sll2";
    case Layer.BSD_LOOPBACK:
      return "null";
    case Layer.RAW_IP:
    case Layer.RAW_IPV4:
    case Layer.RAW_IPV6:
      return "raw";
    case Layer.PPP:
      return "ppp";
    default:
      return "unsupported";
  }
}
