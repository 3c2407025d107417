/**
 * PPP (LINKTYPE_PPP, 9; and the PPP inside PPTP's enhanced GRE): an optional HDLC-like address and
 * control field 0xFF 0x03 (RFC 1662 §3.1, which LCP may negotiate away, RFC 1661 §6.6), then the
 * protocol field, 2 bytes or 1 when Protocol-Field-Compression is on (RFC 1661 §6.5: a compressed
 * field is recognised by its odd first byte).
 */
import { type DecodeCursor, Layer } from "./cursor.ts";
import { EtherType } from "./ether-types.ts";
import { resetNetworkLayers } from "./packet-view.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

const PPP_ADDRESS_ALL_STATIONS = 0xff;
const PPP_CONTROL_UI = 0x03;
/** PPP protocol numbers (RFC 1332 for IPv4, RFC 5072 for IPv6). */
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

export function decodePpp(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  let offset = cursor.offsetBytes;
  if (
    offset + 2 <= view.capturedEndOffset &&
    b[offset] === PPP_ADDRESS_ALL_STATIONS &&
    b[offset + 1] === PPP_CONTROL_UI
  ) {
    offset += 2;
  }
  if (offset + 1 > view.capturedEndOffset) {
    stopShortHeader(view, "ppp", offset, 1, cursor.endBytes, "PPP protocol field");
    return;
  }
  let protocol: number;
  if (b[offset] & 1) {
    protocol = b[offset];
    offset += 1;
  } else {
    if (offset + 2 > view.capturedEndOffset) {
      stopShortHeader(view, "ppp", offset, 2, cursor.endBytes, "PPP protocol field");
      return;
    }
    protocol = (b[offset] << 8) | b[offset + 1];
    offset += 2;
  }
  // Inside PPTP's GRE the PPP frame is the inner packet, whatever it carries.
  if (view.tunnelCount > 0) resetNetworkLayers(view);
  view.pppProtocol = protocol;
  cursor.offsetBytes = offset;
  if (protocol === PPP_IPV4) {
    view.etherType = EtherType.IPV4;
    cursor.next = Layer.IPV4;
  } else if (protocol === PPP_IPV6) {
    view.etherType = EtherType.IPV6;
    cursor.next = Layer.IPV6;
  } else {
    view.etherType = -1;
  }
}
