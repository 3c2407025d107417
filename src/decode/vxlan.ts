/**
 * VXLAN (RFC 7348 §5): an 8-byte header inside UDP, flags with the I bit (VNI valid), 24 reserved
 * bits, the 24-bit VXLAN network identifier and 8 reserved bits, then an inner Ethernet frame.
 * Recognised on the IANA port 4789 and on 8472, the Linux kernel's historical default that flannel
 * and older setups still use; the I flag must be set, which keeps other traffic on those ports from
 * being taken for VXLAN.
 */
import { type DecodeCursor, Layer } from "./cursor.ts";
import { stopShortHeader } from "./stop.ts";
import { enterTunnel } from "./tunnel.ts";
import type { PacketView } from "./types.ts";

export const VXLAN_PORT = 4789;
export const VXLAN_LINUX_LEGACY_PORT = 8472;
export const VXLAN_HEADER_BYTES = 8;
const VXLAN_FLAG_VNI_VALID = 0x08;

/** True when a UDP datagram to `dstPort` whose payload starts at `offset` should be read as VXLAN. */
export function looksLikeVxlan(
  b: Uint8Array,
  capturedEndOffset: number,
  dstPort: number,
  offset: number,
  end: number,
): boolean {
  return (
    (dstPort === VXLAN_PORT || dstPort === VXLAN_LINUX_LEGACY_PORT) &&
    offset + VXLAN_HEADER_BYTES <= end &&
    offset < capturedEndOffset &&
    (b[offset] & VXLAN_FLAG_VNI_VALID) !== 0
  );
}

export function decodeVxlan(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + VXLAN_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(view, "vxlan", start, VXLAN_HEADER_BYTES, cursor.endBytes, "VXLAN header");
    return;
  }
  if (!enterTunnel(view, "vxlan", start)) return;
  view.vxlanVni = (b[start + 4] << 16) | (b[start + 5] << 8) | b[start + 6];
  cursor.offsetBytes = start + VXLAN_HEADER_BYTES;
  cursor.next = Layer.ETHERNET;
}
