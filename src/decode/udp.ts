/**
 * UDP header (RFC 768): ports, length, checksum. The datagram ends at the UDP length when that is
 * consistent with the IP payload, otherwise at the IP payload's end (a length of 0 is what a
 * jumbogram, RFC 2675 §4, or a UDP segmentation-offload super-packet carries). A VXLAN port with
 * the VNI-valid flag hands the payload to vxlan.ts.
 */
import { u16be } from "./big-endian.ts";
import { type DecodeCursor, Layer } from "./cursor.ts";
import { setPayload } from "./packet-view.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";
import { looksLikeVxlan } from "./vxlan.ts";

export const UDP_HEADER_BYTES = 8;

export function decodeUdp(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const ipEnd = cursor.endBytes;
  if (start + UDP_HEADER_BYTES > view.capturedEndOffset || start + UDP_HEADER_BYTES > ipEnd) {
    stopShortHeader(view, "udp", start, UDP_HEADER_BYTES, ipEnd, "UDP header");
    return;
  }
  const udpLen = u16be(b, start + 4);
  view.transport = "udp";
  view.l4Offset = start;
  view.srcPort = u16be(b, start);
  view.dstPort = u16be(b, start + 2);
  view.udpLenBytes = udpLen;
  const payloadStart = start + UDP_HEADER_BYTES;
  const datagramEnd =
    udpLen >= UDP_HEADER_BYTES && start + udpLen <= ipEnd ? start + udpLen : ipEnd;
  setPayload(view, payloadStart, datagramEnd);
  if (udpLen !== 0 && udpLen < UDP_HEADER_BYTES) {
    stopDecoding(view, "udp", "malformed", start, UDP_HEADER_BYTES, udpLen, "length below 8");
    return;
  }
  // Only a whole datagram can hold a tunnel: a first fragment's payload stops mid-way.
  if (
    !view.ipMoreFragments &&
    looksLikeVxlan(b, view.capturedEndOffset, view.dstPort, payloadStart, datagramEnd)
  ) {
    cursor.offsetBytes = payloadStart;
    cursor.endBytes = datagramEnd;
    cursor.next = Layer.VXLAN;
  }
}
