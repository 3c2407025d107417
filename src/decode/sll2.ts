/**
 * Linux "cooked" capture, version 2 (LINKTYPE_LINUX_SLL2, 276): what `tcpdump -i any` writes with
 * libpcap 1.10 and later. A 20-byte pseudo-header that adds the interface index
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html):
 *
 *   0 protocol (2)   2 reserved (2)   4 interface index (4)   8 ARPHRD_ type (2)
 *   10 packet type (1)   11 address length (1)   12 address (8)
 */
import { u16be, u32be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { dispatchSllProtocol } from "./sll.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const SLL2_HEADER_BYTES = 20;

export function decodeSll2(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + SLL2_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(
      view,
      "sll2",
      start,
      SLL2_HEADER_BYTES,
      cursor.endBytes,
      "Linux cooked v2 header",
    );
    return;
  }
  view.sllInterfaceIndex = u32be(b, start + 4);
  view.sllPacketType = b[start + 10];
  cursor.offsetBytes = start + SLL2_HEADER_BYTES;
  dispatchSllProtocol(view, cursor, u16be(b, start + 8), u16be(b, start));
}
