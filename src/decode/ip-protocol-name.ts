/**
 * Names of IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), spelled as tcpdump
 * prints them; "ip-proto-N" when unknown, as tcpdump does.
 */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0, "HBH"],
  [1, "ICMP"],
  [2, "IGMP"],
  [4, "IPIP"],
  [6, "TCP"],
  [8, "EGP"],
  [17, "UDP"],
  [33, "DCCP"],
  [41, "IPv6"],
  [43, "IPv6 routing"],
  [44, "IPv6 fragment"],
  [46, "RSVP"],
  [47, "GRE"],
  [50, "ESP"],
  [51, "AH"],
  [58, "ICMPv6"],
  [59, "no next header"],
  [60, "IPv6 destination options"],
  [88, "EIGRP"],
  [89, "OSPF"],
  [97, "EtherIP"],
  [103, "PIM"],
  [112, "VRRP"],
  [115, "L2TP"],
  [132, "SCTP"],
  [135, "mobility"],
  [136, "UDP-Lite"],
  [137, "MPLS-in-IP"],
  [139, "HIP"],
  [140, "shim6"],
  [143, "Ethernet"],
]);

export function ipProtocolName(protocol: number): string {
  return NAMES.get(protocol) ?? `ip-proto-${protocol}`;
}
