/** Names of EtherTypes (IEEE registry, RFC 7042 §3) for display; "ethertype 0xNNNN" when unknown. */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, "IPv4"],
  [0x0806, "ARP"],
  [0x0842, "Wake-on-LAN"],
  [0x22eb, "ERSPAN III"],
  [0x22f0, "AVTP"],
  [0x6558, "transparent Ethernet bridging"],
  [0x8035, "RARP"],
  [0x8100, "802.1Q"],
  [0x86dd, "IPv6"],
  [0x8808, "Ethernet flow control"],
  [0x8809, "slow protocols (LACP)"],
  [0x880b, "PPP"],
  [0x8847, "MPLS"],
  [0x8848, "MPLS multicast"],
  [0x8863, "PPPoE discovery"],
  [0x8864, "PPPoE session"],
  [0x888e, "EAPOL"],
  [0x8892, "PROFINET"],
  [0x88a4, "EtherCAT"],
  [0x88a8, "802.1ad"],
  [0x88be, "ERSPAN II"],
  [0x88cc, "LLDP"],
  [0x88e5, "MACsec"],
  [0x88f7, "PTP"],
  [0x8906, "FCoE"],
  [0x892f, "HSR"],
  [0x893a, "IEEE 1905"],
  [0x894f, "NSH"],
  [0x9000, "loopback"],
  [0x9100, "QinQ (0x9100)"],
  [0x9200, "QinQ (0x9200)"],
]);

export function etherTypeName(etherType: number): string {
  return NAMES.get(etherType) ?? `ethertype 0x${etherType.toString(16).padStart(4, "0")}`;
}
