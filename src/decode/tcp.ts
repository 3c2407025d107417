/**
 * TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers (unsigned 32-bit), data
 * offset, the nine flag bits (AE, RFC 9768, is bit 8), window, checksum, urgent pointer, then the
 * options (tcp-options.ts). The payload length comes from the IP length, never the captured length.
 */
import { u16be, u32be } from "./big-endian.ts";
import type { DecodeCursor } from "./cursor.ts";
import { setPayload } from "./packet-view.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import { decodeTcpOptions } from "./tcp-options.ts";
import type { PacketView } from "./types.ts";

export const TCP_MIN_HEADER_BYTES = 20;

/**
 * The fixed TCP header's fields for a header at `start` whose data offset says `headerLen` bytes
 * (shared with the Ethernet/IPv4/TCP fast path); options and payload are the caller's.
 */
export function setTcpFields(
  view: PacketView,
  b: Uint8Array,
  start: number,
  headerLen: number,
): void {
  view.transport = "tcp";
  view.l4Offset = start;
  view.srcPort = u16be(b, start);
  view.dstPort = u16be(b, start + 2);
  view.tcpSeq = u32be(b, start + 4);
  view.tcpAck = u32be(b, start + 8);
  view.tcpHeaderLenBytes = headerLen;
  view.tcpFlags = ((b[start + 12] & 1) << 8) | b[start + 13];
  view.tcpWindow = u16be(b, start + 14);
  view.tcpChecksum = u16be(b, start + 16);
  view.tcpUrgent = u16be(b, start + 18);
}

export function decodeTcp(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const start = cursor.offsetBytes;
  const end = cursor.endBytes;
  if (start + TCP_MIN_HEADER_BYTES > view.capturedEndOffset || start + TCP_MIN_HEADER_BYTES > end) {
    stopShortHeader(view, "tcp", start, TCP_MIN_HEADER_BYTES, end, "TCP header");
    return;
  }
  const offsetByte = b[start + 12];
  const headerLen = (offsetByte >> 4) * 4;
  if (headerLen < TCP_MIN_HEADER_BYTES) {
    stopDecoding(
      view,
      "tcp",
      "malformed",
      start,
      TCP_MIN_HEADER_BYTES,
      headerLen,
      "data offset below 5",
    );
    return;
  }
  setTcpFields(view, b, start, headerLen);

  const headerEnd = start + headerLen;
  if (headerEnd > end) {
    // The data offset reaches past the IP datagram: the fixed header stands, nothing after it does.
    view.payloadOffset = -1;
    view.payloadLenBytes = 0;
    view.payloadCapturedBytes = 0;
    stopDecoding(
      view,
      "tcp",
      "malformed",
      start,
      headerLen,
      end - start,
      "data offset past the IP payload",
    );
    return;
  }
  if (headerLen > TCP_MIN_HEADER_BYTES) {
    decodeTcpOptions(view, start + TCP_MIN_HEADER_BYTES, headerEnd);
  }
  setPayload(view, headerEnd, end);
  if (headerEnd > view.capturedEndOffset) {
    stopDecoding(
      view,
      "tcp",
      "truncated",
      start,
      headerLen,
      view.capturedEndOffset - start,
      "TCP options",
    );
  }
}
