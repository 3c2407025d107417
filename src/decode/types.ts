/**
 * Types of the decode stage. One PacketView is allocated per reader and refilled for every packet
 * (gopacket's DecodingLayerParser, etherparse's slices): fields are plain numbers and offsets into
 * `bytes`, so decoding allocates nothing. Everything here is valid only for the current packet.
 */

/** TCP header flag bits (RFC 9293 §3.1; AE is RFC 3168's former NS bit, RFC 9768). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  AE: 0x100,
} as const;

export type LinkKind = "ethernet" | "sll" | "sll2" | "null" | "raw" | "ppp" | "unsupported";

export type TransportKind = "tcp" | "udp" | "icmp" | "icmpv6" | "other" | "none";

export type TunnelKind = "vxlan" | "gre" | "ipip" | "ip6in4" | "ip4in6" | "ip6in6";

/** Why decoding stopped before the end of the packet. */
export interface DecodeStop {
  /** The layer that could not be decoded, e.g. "tcp", "ipv4", "ethernet". */
  layer: string;
  /** "truncated": the snaplen cut it; "malformed": the bytes contradict themselves; "unsupported". */
  reason: "truncated" | "malformed" | "unsupported";
  /** Offset within the packet where that layer starts. */
  offsetBytes: number;
  /** Bytes the layer needed and bytes that were there (for truncated/malformed lengths). */
  neededBytes: number;
  availableBytes: number;
  detail: string;
}

/** The original header quoted inside an ICMP/ICMPv6 error (RFC 792, RFC 4443). */
export interface IcmpQuote {
  present: boolean;
  ipVersion: 0 | 4 | 6;
  srcOffset: number;
  dstOffset: number;
  protocol: number;
  /** -1 when the quote is too short to hold them. */
  srcPort: number;
  dstPort: number;
  /** TCP sequence number of the quoted segment, -1 when absent. */
  tcpSeq: number;
}

export interface PacketView {
  // ── input ──
  /**
   * The bytes the packet lies in: the packet itself, or the reader's whole buffer (decodeRecord
   * makes no view per packet). The packet is bytes[packetOffset, capturedEndOffset), and every
   * other *Offset field below indexes `bytes`, not the packet.
   */
  bytes: Uint8Array;
  packetOffset: number;
  capturedEndOffset: number;
  originalLenBytes: number;
  linkType: number;

  // ── link (the captured frame's own link layer; an encapsulated Ethernet frame does not change it) ──
  link: LinkKind;
  /**
   * Offsets of the 6-byte MAC addresses of the outermost Ethernet header, -1 when the link has
   * none (Linux cooked captures carry only the sender's address and report none).
   */
  macSrcOffset: number;
  macDstOffset: number;
  /**
   * EtherType announcing the innermost network-layer packet, after VLAN tags and LLC/SNAP: the
   * Ethernet type, SLL protocol, GRE protocol type, or the type equivalent to a BSD address family,
   * raw-IP version, PPP protocol or IP-in-IP protocol. -1 when none (e.g. non-SNAP 802.2 LLC).
   */
  etherType: number;
  vlanCount: number;
  /** VLAN IDs of the outermost link, outermost first; only the first vlanCount are meaningful. */
  vlanIds: number[];
  /** Linux SLL/SLL2 packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing); -1. */
  sllPacketType: number;
  /** SLL2 interface index (the capturing host's ifindex, `tcpdump -i any`); -1 otherwise. */
  sllInterfaceIndex: number;
  /** PPP protocol field (RFC 1661 §2: 0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP, ...); -1 when no PPP. */
  pppProtocol: number;

  // ── tunnels (outermost first) ──
  tunnelCount: number;
  tunnels: TunnelKind[];
  /** VXLAN network identifier of the last VXLAN layer, -1 when none. */
  vxlanVni: number;

  // ── network: the innermost IP header ──
  ipVersion: 0 | 4 | 6;
  ipOffset: number;
  /** IPv4 header with options, or IPv6 fixed header plus every extension header. */
  ipHeaderLenBytes: number;
  /** Length the header claims (IPv4 total length; IPv6 40 + payload length). 0 = not set (TSO). */
  ipTotalLenBytes: number;
  ipSrcOffset: number;
  ipDstOffset: number;
  ipTtl: number;
  /** IPv4 identification, or the IPv6 fragment header's identification; -1 when none. */
  ipId: number;
  /** The upper-layer protocol after all extension headers. */
  ipProtocol: number;
  ipDscp: number;
  ipEcn: number;
  ipDontFragment: boolean;
  ipMoreFragments: boolean;
  ipFragmentOffsetBytes: number;
  /** True for any fragment (first or later). Only the first carries the transport header. */
  ipIsFragment: boolean;
  ipv4OptionsLenBytes: number;
  ipv6ExtCount: number;
  /** IPv6 extension header numbers (0 hop-by-hop, 43 routing, 44 fragment, 60 dest opts, ...). */
  ipv6Ext: number[];
  ipChecksum: number;

  // ── transport ──
  transport: TransportKind;
  l4Offset: number;
  /** -1 when the transport has no ports. */
  srcPort: number;
  dstPort: number;

  // TCP
  tcpSeq: number;
  tcpAck: number;
  tcpFlags: number;
  /** Raw window field, not yet scaled (scaling needs the handshake). */
  tcpWindow: number;
  tcpHeaderLenBytes: number;
  tcpChecksum: number;
  tcpUrgent: number;
  /** -1 when the option is absent. */
  tcpMss: number;
  tcpWindowScale: number;
  tcpSackPermitted: boolean;
  tcpSackCount: number;
  /** Left and right edges, pairs: [l0, r0, l1, r1, ...]; only 2*tcpSackCount meaningful. */
  tcpSack: number[];
  tcpHasTimestamps: boolean;
  tcpTsVal: number;
  tcpTsEcr: number;
  /** TCP Fast Open cookie option (kind 34) present. */
  tcpFastOpen: boolean;
  /** Options this decoder does not interpret: kind, offset in packet, length (incl. kind/len). */
  tcpOtherOptionCount: number;
  tcpOtherOptions: { kind: number; offset: number; lenBytes: number }[];
  /** True when the options area itself is malformed (bad length byte). */
  tcpOptionsMalformed: boolean;

  // UDP
  udpLenBytes: number;

  // ICMP / ICMPv6
  icmpType: number;
  icmpCode: number;
  /** Next-hop MTU of "fragmentation needed" (v4) or "packet too big" (v6); -1 otherwise. */
  icmpMtu: number;
  icmpQuote: IcmpQuote;

  /** Transport payload: offset in bytes, length on the wire (from the IP length) and captured. */
  payloadOffset: number;
  payloadLenBytes: number;
  payloadCapturedBytes: number;

  // ── status ──
  /** The snaplen cut the packet (captured < original), whatever layer that hit. */
  truncated: boolean;
  /** Why decoding stopped early; undefined when every layer decoded. */
  stop: DecodeStop | undefined;
  /**
   * The object `stop` points at when it is set, reused for every packet so that a stop allocates
   * nothing. Read `stop`, not this; copy it (`{ ...view.stop }`) to keep it past the packet.
   */
  stopStorage: DecodeStop;
}
