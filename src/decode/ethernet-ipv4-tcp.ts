/**
 * Ethernet II → IPv4 → TCP, the shape of nearly every packet a server or loopback capture holds,
 * decoded in one step: the fields the layer loop (index.ts) would set, without its dispatch, its
 * cursor and the checks that only lead to a stop. Taken only when every header is whole and sound
 * (no VLAN tag or LLC, an IPv4 header whose options were captured, not a fragment, a TCP header
 * inside both the datagram and the captured bytes); every other packet goes through the loop,
 * which also names what stopped it. decode-fast-path.test.ts checks that the two fill the same view
 * on every packet of the corpus and of the project's recordings.
 */
import { u16be } from "./big-endian.ts";
import { EtherType } from "./ether-types.ts";
import { ETHERNET_HEADER_BYTES } from "./ethernet.ts";
import { IpProtocol } from "./ip-protocols.ts";
import { FLAG_DONT_FRAGMENT, IPV4_MIN_HEADER_BYTES, ipv4DatagramEnd } from "./ipv4.ts";
import { LinkType } from "./link-types.ts";
import { resetForIpv4Tcp, setPayload } from "./packet-view.ts";
import { setTcpFields, TCP_MIN_HEADER_BYTES } from "./tcp.ts";
import { decodeTcpOptions } from "./tcp-options.ts";
import type { PacketView } from "./types.ts";

/** Flags and fragment offset bits that make a datagram a fragment: MF and the offset (RFC 791). */
const FRAGMENT_BITS = 0x3fff;

/**
 * Decodes an Ethernet frame that carries a plain IPv4/TCP segment into `view` and returns true;
 * returns false, leaving `view` untouched, for anything else.
 */
export function decodeEthernetIpv4Tcp(
  view: PacketView,
  b: Uint8Array,
  start: number,
  capturedLenBytes: number,
  originalLenBytes: number,
): boolean {
  const capturedEnd = start + capturedLenBytes;
  const ip = start + ETHERNET_HEADER_BYTES;
  if (ip + IPV4_MIN_HEADER_BYTES + TCP_MIN_HEADER_BYTES > capturedEnd) return false;
  if (u16be(b, start + 12) !== EtherType.IPV4) return false;
  const versionIhl = b[ip];
  if (versionIhl >> 4 !== 4) return false;
  const ipHeaderLen = (versionIhl & 0x0f) * 4;
  const totalLen = u16be(b, ip + 2);
  const flagsOffset = u16be(b, ip + 6);
  if (
    ipHeaderLen < IPV4_MIN_HEADER_BYTES ||
    (totalLen !== 0 && totalLen < ipHeaderLen) ||
    (flagsOffset & FRAGMENT_BITS) !== 0 ||
    b[ip + 9] !== IpProtocol.TCP
  ) {
    return false;
  }
  const l4 = ip + ipHeaderLen;
  const containerEnd = start + Math.max(originalLenBytes, capturedLenBytes);
  const wireEnd = ipv4DatagramEnd(ip, totalLen, containerEnd);
  if (l4 + TCP_MIN_HEADER_BYTES > capturedEnd || l4 + TCP_MIN_HEADER_BYTES > wireEnd) return false;
  const tcpHeaderLen = (b[l4 + 12] >> 4) * 4;
  const headerEnd = l4 + tcpHeaderLen;
  if (tcpHeaderLen < TCP_MIN_HEADER_BYTES || headerEnd > wireEnd || headerEnd > capturedEnd) {
    return false;
  }

  resetForIpv4Tcp(view, LinkType.ETHERNET, b, start, capturedLenBytes, originalLenBytes);
  view.link = "ethernet";
  view.macDstOffset = start;
  view.macSrcOffset = start + 6;
  view.etherType = EtherType.IPV4;
  // decodeIpv4's field writes for a header known not to be a fragment, written out here: as a
  // call it pushed this function past V8's inlining budget (decoding ~30% slower, measured).
  view.ipVersion = 4;
  view.ipOffset = ip;
  view.ipHeaderLenBytes = ipHeaderLen;
  view.ipTotalLenBytes = totalLen;
  view.ipDscp = b[ip + 1] >> 2;
  view.ipEcn = b[ip + 1] & 3;
  view.ipId = u16be(b, ip + 4);
  view.ipDontFragment = (flagsOffset & FLAG_DONT_FRAGMENT) !== 0;
  view.ipMoreFragments = false;
  view.ipFragmentOffsetBytes = 0;
  view.ipIsFragment = false;
  view.ipTtl = b[ip + 8];
  view.ipProtocol = IpProtocol.TCP;
  view.ipChecksum = u16be(b, ip + 10);
  view.ipSrcOffset = ip + 12;
  view.ipDstOffset = ip + 16;
  view.ipv4OptionsLenBytes = ipHeaderLen - IPV4_MIN_HEADER_BYTES;
  setTcpFields(view, b, l4, tcpHeaderLen);
  if (tcpHeaderLen > TCP_MIN_HEADER_BYTES) {
    decodeTcpOptions(view, l4 + TCP_MIN_HEADER_BYTES, headerEnd);
  }
  setPayload(view, headerEnd, wireEnd);
  return true;
}
