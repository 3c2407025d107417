/**
 * Raw IP link types: the packet starts with the IP header. LINKTYPE_RAW (101) and the DLT_RAW
 * numbers old files carry (12, 14) hold either version, told apart by the version nibble;
 * LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) promise one version.
 */
import { type DecodeCursor, Layer } from "./cursor.ts";
import { EtherType } from "./ether-types.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

/** `expectedVersion` 0 accepts either. */
export function decodeRawIp(
  view: PacketView,
  cursor: DecodeCursor,
  expectedVersion: 0 | 4 | 6,
): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + 1 > view.capturedEndOffset) {
    stopShortHeader(view, "raw", start, 1, cursor.endBytes, "IP version byte");
    return;
  }
  const version = b[start] >> 4;
  if ((version === 4 || version === 6) && (expectedVersion === 0 || expectedVersion === version)) {
    view.etherType = version === 4 ? EtherType.IPV4 : EtherType.IPV6;
    cursor.next = version === 4 ? Layer.IPV4 : Layer.IPV6;
    return;
  }
  stopDecoding(
    view,
    "raw",
    "malformed",
    start,
    1,
    view.capturedEndOffset - start,
    expectedVersion === 0
      ? "IP version is neither 4 nor 6"
      : "IP version differs from the link type's",
  );
}
