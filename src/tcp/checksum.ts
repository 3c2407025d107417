/**
 * TCP checksum verification (RFC 9293 §3.1, the pseudo-header of RFC 9293 §3.1 for IPv4 and RFC
 * 8200 §8.1 for IPv6). Used only as vantage evidence: a host that offloads checksums to its NIC
 * hands the capture its outgoing segments before the checksum is filled in, so bad checksums in
 * one direction mark the capturing host as that direction's sender.
 */
import type { PacketView } from "../decode/types.ts";

/** True/false when the segment is wholly captured and checkable; undefined otherwise. */
export function tcpChecksumOk(view: PacketView): boolean | undefined {
  if (view.truncated || view.ipIsFragment) return undefined;
  const tcpLen = view.tcpHeaderLenBytes + view.payloadLenBytes;
  const bytes = view.bytes;
  if (view.l4Offset + tcpLen > view.capturedEndOffset || tcpLen < 20) return undefined;
  let sum = 0;
  const addrLen = view.ipVersion === 4 ? 4 : 16;
  for (let i = 0; i < addrLen; i += 2) {
    sum += (bytes[view.ipSrcOffset + i] << 8) | bytes[view.ipSrcOffset + i + 1];
    sum += (bytes[view.ipDstOffset + i] << 8) | bytes[view.ipDstOffset + i + 1];
  }
  sum += 6; // protocol TCP
  sum += tcpLen & 0xffff;
  sum += tcpLen >>> 16;
  const end = view.l4Offset + tcpLen;
  let i = view.l4Offset;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}
