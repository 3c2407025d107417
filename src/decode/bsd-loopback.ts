/**
 * BSD loopback (LINKTYPE_NULL, 0) and OpenBSD loopback (LINKTYPE_LOOP, 108): a 4-byte address
 * family before the IP packet. NULL stores it in the capturing host's byte order, LOOP in network
 * order; since every family value fits in one byte, the order is told by which end holds it, and
 * both link types accept either order (files from mislabelled writers exist).
 */
import { type DecodeCursor, Layer } from "./cursor.ts";
import { EtherType } from "./ether-types.ts";
import { stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

export const BSD_LOOPBACK_HEADER_BYTES = 4;

/** AF_INET is 2 on every BSD-derived system. */
const AF_INET = 2;
/**
 * AF_INET6 differs by OS (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html): 24 on NetBSD,
 * OpenBSD and BSD/OS, 28 on FreeBSD and DragonFly BSD, 30 on macOS/Darwin.
 */
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

export function decodeBsdLoopback(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  if (start + BSD_LOOPBACK_HEADER_BYTES > view.capturedEndOffset) {
    stopShortHeader(
      view,
      "null",
      start,
      BSD_LOOPBACK_HEADER_BYTES,
      cursor.endBytes,
      "loopback header",
    );
    return;
  }
  // Little-endian hosts put the value in byte 0, big-endian ones (and LOOP) in byte 3.
  const family = b[start] !== 0 ? b[start] : b[start + 3];
  cursor.offsetBytes = start + BSD_LOOPBACK_HEADER_BYTES;
  if (family === AF_INET) {
    view.etherType = EtherType.IPV4;
    cursor.next = Layer.IPV4;
  } else if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) {
    view.etherType = EtherType.IPV6;
    cursor.next = Layer.IPV6;
  }
}
