/**
 * Ethernet II and IEEE 802.3 frame headers: destination MAC, source MAC, type/length (IEEE 802.3
 * §3.1.1). The type/length field and what follows it (VLAN tags, LLC/SNAP) are read by
 * ether-type-payload.ts, which Linux cooked captures and GRE share. Captures from Linux and the
 * BSDs hold no frame check sequence, so none is looked for.
 */
import { u16be } from "./big-endian.ts";
import { type DecodeCursor, Layer } from "./cursor.ts";
import { resetNetworkLayers } from "./packet-view.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const ETHERNET_HEADER_BYTES = 14;

export function decodeEthernet(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + ETHERNET_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(
      view,
      "ethernet",
      start,
      ETHERNET_HEADER_BYTES,
      cursor.endBytes,
      "Ethernet header",
    );
    return;
  }
  if (view.tunnelCount === 0) {
    view.macDstOffset = start;
    view.macSrcOffset = start + 6;
  } else {
    // A frame inside VXLAN or GRE: from here on the fields describe the inner packet.
    resetNetworkLayers(view);
  }
  view.etherType = u16be(b, start + 12);
  cursor.offsetBytes = start + ETHERNET_HEADER_BYTES;
  cursor.next = Layer.ETHERTYPE_PAYLOAD;
}
