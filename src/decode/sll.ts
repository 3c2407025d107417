/**
 * Linux "cooked" capture, version 1 (LINKTYPE_LINUX_SLL, 113): what `tcpdump -i any` wrote before
 * libpcap 1.10, and `-y LINUX_SLL` still writes. A 16-byte pseudo-header replaces the link header
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
 *
 *   0 packet type (2)   2 ARPHRD_ type (2)   4 address length (2)   6 address (8)   14 protocol (2)
 */
import { u16be } from "./big-endian.ts";
import { type DecodeCursor, Layer } from "./cursor.ts";
import { ETHERTYPE_MIN } from "./ether-types.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const SLL_HEADER_BYTES = 16;

/** ARPHRD_NETLINK (linux/if_arp.h): the payload is a netlink message, not a network packet. */
const ARPHRD_NETLINK = 824;
/** ETH_P_802_2 (linux/if_ether.h): the payload starts with an 802.2 LLC header. */
const ETH_P_802_2 = 0x0004;

export function decodeSll(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + SLL_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(view, "sll", start, SLL_HEADER_BYTES, cursor.endBytes, "Linux cooked header");
    return;
  }
  view.sllPacketType = u16be(b, start);
  cursor.offsetBytes = start + SLL_HEADER_BYTES;
  dispatchSllProtocol(view, cursor, u16be(b, start + 2), u16be(b, start + 14));
}

/**
 * The protocol field is an EtherType except for a few small Linux ETH_P_ values and for netlink
 * captures. Shared by SLL and SLL2.
 */
export function dispatchSllProtocol(
  view: PacketView,
  cursor: DecodeCursor,
  arphrd: number,
  protocol: number,
): void {
  if (arphrd === ARPHRD_NETLINK) return;
  if (protocol >= ETHERTYPE_MIN || protocol === ETH_P_802_2) {
    // ETH_P_802_2 goes on as an 802.3 "length", which sends it to the LLC reader.
    view.etherType = protocol;
    cursor.next = Layer.ETHERTYPE_PAYLOAD;
  }
}
