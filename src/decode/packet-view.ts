/**
 * Creating and resetting the one PacketView a reader reuses for every packet. Every field is
 * written in createPacketView in a fixed order and only reassigned afterwards, so the object keeps
 * one hidden class and the decoders' property accesses stay monomorphic.
 *
 * A reset clears only the layers the previous packet reached. The decoders keep two invariants
 * that make this safe: no network or transport field is written before an IP header has set
 * ipVersion (so ipVersion 0 means they all hold their "absent" values), and each transport's
 * fields are written only after that transport has set view.transport (TCP options only when the
 * header is longer than 20 bytes).
 */
import type { PacketView, TunnelKind } from "./types.ts";

/** Most VLAN tags recorded per frame; deeper stacks stop as malformed (real QinQ uses two). */
export const MAX_VLAN_TAGS = 8;
/**
 * Most nested encapsulations decoded per packet. Real networks nest two or three (an overlay's
 * VXLAN carried in a provider's GRE or IP-in-IP); the bound stops hostile packets that nest forever.
 */
export const MAX_TUNNEL_DEPTH = 8;
/** Most IPv6 extension headers walked per IP header. */
export const MAX_IPV6_EXTENSIONS = 16;
/** 40 bytes of TCP options hold at most 4 SACK blocks (RFC 2018 §3). */
export const MAX_SACK_BLOCKS = 4;
/** The TCP header without options (RFC 9293 §3.1); tcp.ts's TCP_MIN_HEADER_BYTES. */
const TCP_FIXED_HEADER_BYTES = 20;
/** 40 bytes of TCP options hold at most 20 options that have a length byte. */
export const MAX_TCP_OTHER_OPTIONS = 20;

const EMPTY = new Uint8Array(0);

/**
 * What createPacketView first writes into the fields that hold unsigned 32-bit values (sequence
 * and acknowledgment numbers, timestamps, the IPv6 fragment identification, an ICMPv6 MTU) before
 * setting their "absent" values. V8 keeps a number field as a small integer (31 bits) until an
 * object of the class stores a larger one; it then re-shapes the class and throws away the
 * optimized code that read the field, in the middle of a capture (half of all sequence numbers
 * are above 2^31). A non-integer first makes these fields doubles from the start.
 */
const DOUBLE_FIELD_PRIMER = 0.5;

/** An array filled by push, so V8 keeps it packed (new Array(n).fill() stays "holey"). */
function packedArray(length: number, value: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(value);
  return out;
}

export function createPacketView(): PacketView {
  const tunnels: TunnelKind[] = [];
  for (let i = 0; i < MAX_TUNNEL_DEPTH; i++) tunnels.push("ipip");
  const tcpOtherOptions: PacketView["tcpOtherOptions"] = [];
  for (let i = 0; i < MAX_TCP_OTHER_OPTIONS; i++) {
    tcpOtherOptions.push({ kind: 0, offset: 0, lenBytes: 0 });
  }
  // SACK edges are unsigned 32-bit, beyond V8's small integers: make it a double array from the
  // start so the first large edge does not change the array's representation mid-stream.
  const tcpSack = packedArray(2 * MAX_SACK_BLOCKS, 0.5).fill(0);
  const view: PacketView = {
    bytes: EMPTY,
    packetOffset: 0,
    capturedEndOffset: 0,
    originalLenBytes: 0,
    linkType: -1,

    link: "unsupported",
    macSrcOffset: -1,
    macDstOffset: -1,
    etherType: -1,
    vlanCount: 0,
    vlanIds: packedArray(MAX_VLAN_TAGS, 0),
    sllPacketType: -1,
    sllInterfaceIndex: -1,
    pppProtocol: -1,

    tunnelCount: 0,
    tunnels,
    vxlanVni: -1,

    ipVersion: 0,
    ipOffset: -1,
    ipHeaderLenBytes: 0,
    ipTotalLenBytes: 0,
    ipSrcOffset: -1,
    ipDstOffset: -1,
    ipTtl: -1,
    ipId: DOUBLE_FIELD_PRIMER,
    ipProtocol: -1,
    ipDscp: 0,
    ipEcn: 0,
    ipDontFragment: false,
    ipMoreFragments: false,
    ipFragmentOffsetBytes: 0,
    ipIsFragment: false,
    ipv4OptionsLenBytes: 0,
    ipv6ExtCount: 0,
    ipv6Ext: packedArray(MAX_IPV6_EXTENSIONS, 0),
    ipChecksum: -1,

    transport: "none",
    l4Offset: -1,
    srcPort: -1,
    dstPort: -1,

    tcpSeq: DOUBLE_FIELD_PRIMER,
    tcpAck: DOUBLE_FIELD_PRIMER,
    tcpFlags: 0,
    tcpWindow: 0,
    tcpHeaderLenBytes: 0,
    tcpChecksum: 0,
    tcpUrgent: 0,
    tcpMss: -1,
    tcpWindowScale: -1,
    tcpSackPermitted: false,
    tcpSackCount: 0,
    tcpSack,
    tcpHasTimestamps: false,
    tcpTsVal: DOUBLE_FIELD_PRIMER,
    tcpTsEcr: DOUBLE_FIELD_PRIMER,
    tcpFastOpen: false,
    tcpOtherOptionCount: 0,
    tcpOtherOptions,
    tcpOptionsMalformed: false,

    udpLenBytes: 0,

    icmpType: -1,
    icmpCode: -1,
    icmpMtu: DOUBLE_FIELD_PRIMER,
    icmpQuote: {
      present: false,
      ipVersion: 0,
      srcOffset: -1,
      dstOffset: -1,
      protocol: -1,
      srcPort: -1,
      dstPort: -1,
      tcpSeq: DOUBLE_FIELD_PRIMER,
    },

    payloadOffset: -1,
    payloadLenBytes: 0,
    payloadCapturedBytes: 0,

    truncated: false,
    stop: undefined,
    stopStorage: {
      layer: "",
      reason: "truncated",
      offsetBytes: 0,
      neededBytes: 0,
      availableBytes: 0,
      detail: "",
    },
  };
  view.ipId = -1;
  view.tcpSeq = 0;
  view.tcpAck = 0;
  view.tcpTsVal = 0;
  view.tcpTsEcr = 0;
  view.icmpMtu = -1;
  view.icmpQuote.tcpSeq = -1;
  return view;
}

/** Clears everything for a new packet. */
export function resetPacketView(
  view: PacketView,
  linkType: number,
  bytes: Uint8Array,
  startOffset: number,
  capturedLenBytes: number,
  originalLenBytes: number,
): void {
  resetFrame(view, linkType, bytes, startOffset, capturedLenBytes, originalLenBytes);
  view.link = "unsupported";
  view.macSrcOffset = -1;
  view.macDstOffset = -1;
  view.etherType = -1;
  if (view.ipVersion !== 0) resetNetworkLayers(view);
}

/** The frame's own fields, and the link-layer fields only some link types set. */
function resetFrame(
  view: PacketView,
  linkType: number,
  bytes: Uint8Array,
  startOffset: number,
  capturedLenBytes: number,
  originalLenBytes: number,
): void {
  view.bytes = bytes;
  view.packetOffset = startOffset;
  view.capturedEndOffset = startOffset + capturedLenBytes;
  view.originalLenBytes = originalLenBytes;
  view.linkType = linkType;
  view.vlanCount = 0;
  view.sllPacketType = -1;
  view.sllInterfaceIndex = -1;
  view.pppProtocol = -1;
  view.tunnelCount = 0;
  view.vxlanVni = -1;
  view.truncated = capturedLenBytes < originalLenBytes;
  view.stop = undefined;
}

/**
 * Clears the network and transport fields. Also called when an encapsulated packet's first header
 * has decoded: from then on those fields describe the inner packet, never a mix of the two.
 */
export function resetNetworkLayers(view: PacketView): void {
  view.ipVersion = 0;
  view.ipOffset = -1;
  view.ipHeaderLenBytes = 0;
  view.ipTotalLenBytes = 0;
  view.ipSrcOffset = -1;
  view.ipDstOffset = -1;
  view.ipTtl = -1;
  view.ipId = -1;
  view.ipProtocol = -1;
  view.ipDscp = 0;
  view.ipEcn = 0;
  view.ipDontFragment = false;
  view.ipMoreFragments = false;
  view.ipFragmentOffsetBytes = 0;
  view.ipIsFragment = false;
  view.ipv4OptionsLenBytes = 0;
  view.ipv6ExtCount = 0;
  view.ipChecksum = -1;

  const transport = view.transport;
  if (transport === "tcp") resetTcp(view);
  else if (transport === "udp") view.udpLenBytes = 0;
  else if (transport === "icmp" || transport === "icmpv6") resetIcmp(view);
  view.transport = "none";
  view.l4Offset = -1;
  view.srcPort = -1;
  view.dstPort = -1;
  view.payloadOffset = -1;
  view.payloadLenBytes = 0;
  view.payloadCapturedBytes = 0;
}

function resetTcp(view: PacketView): void {
  view.tcpSeq = 0;
  view.tcpAck = 0;
  view.tcpFlags = 0;
  view.tcpWindow = 0;
  view.tcpChecksum = 0;
  view.tcpUrgent = 0;
  resetTcpOptions(view);
  view.tcpHeaderLenBytes = 0;
}

/** decodeTcp walks options only when the header is longer than its fixed 20 bytes. */
function resetTcpOptions(view: PacketView): void {
  if (view.tcpHeaderLenBytes <= TCP_FIXED_HEADER_BYTES) return;
  view.tcpMss = -1;
  view.tcpWindowScale = -1;
  view.tcpSackPermitted = false;
  view.tcpSackCount = 0;
  view.tcpHasTimestamps = false;
  view.tcpTsVal = 0;
  view.tcpTsEcr = 0;
  view.tcpFastOpen = false;
  view.tcpOtherOptionCount = 0;
  view.tcpOptionsMalformed = false;
}

/**
 * The reset before the Ethernet/IPv4/TCP fast path (ethernet-ipv4-tcp.ts) fills the view: what
 * resetPacketView and resetNetworkLayers would clear, except the fields that path writes itself.
 */
export function resetForIpv4Tcp(
  view: PacketView,
  linkType: number,
  bytes: Uint8Array,
  startOffset: number,
  capturedLenBytes: number,
  originalLenBytes: number,
): void {
  resetFrame(view, linkType, bytes, startOffset, capturedLenBytes, originalLenBytes);
  view.ipv6ExtCount = 0;
  const transport = view.transport;
  if (transport === "tcp") resetTcpOptions(view);
  else if (transport === "udp") view.udpLenBytes = 0;
  else if (transport === "icmp" || transport === "icmpv6") resetIcmp(view);
}

function resetIcmp(view: PacketView): void {
  view.icmpType = -1;
  view.icmpCode = -1;
  view.icmpMtu = -1;
  const quote = view.icmpQuote;
  quote.present = false;
  quote.ipVersion = 0;
  quote.srcOffset = -1;
  quote.dstOffset = -1;
  quote.protocol = -1;
  quote.srcPort = -1;
  quote.dstPort = -1;
  quote.tcpSeq = -1;
}

/**
 * Sets the transport payload from its start and the end of the enclosing datagram on the wire.
 * The length comes from the IP/UDP length fields, not the captured length (Ethernet pads short
 * frames to 60 bytes); payloadOffset is -1 when the payload starts beyond the captured bytes.
 */
export function setPayload(view: PacketView, startBytes: number, wireEndBytes: number): void {
  const captured = view.capturedEndOffset;
  view.payloadOffset = startBytes <= captured ? startBytes : -1;
  view.payloadLenBytes = wireEndBytes > startBytes ? wireEndBytes - startBytes : 0;
  const capturedEnd = Math.min(wireEndBytes, captured);
  view.payloadCapturedBytes = capturedEnd > startBytes ? capturedEnd - startBytes : 0;
}
