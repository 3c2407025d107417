/** IP protocol / IPv6 next-header numbers the decoders act on (IANA "Assigned Internet Protocol Numbers"). */
export const IpProtocol = {
  HOP_BY_HOP: 0,
  ICMP: 1,
  /** IPv4 encapsulated in IP (RFC 2003; RFC 2473 inside IPv6). */
  IPV4: 4,
  TCP: 6,
  DCCP: 33,
  UDP: 17,
  /** IPv6 encapsulated in IP (RFC 4213 inside IPv4, RFC 2473 inside IPv6). */
  IPV6: 41,
  IPV6_ROUTING: 43,
  IPV6_FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NO_NEXT: 59,
  IPV6_DEST_OPTS: 60,
  SCTP: 132,
  MOBILITY: 135,
  UDP_LITE: 136,
  HIP: 139,
  SHIM6: 140,
} as const;

/** True for the transports whose first four bytes are the source and destination port. */
export function hasPorts(protocol: number): boolean {
  return (
    protocol === IpProtocol.TCP ||
    protocol === IpProtocol.UDP ||
    protocol === IpProtocol.SCTP ||
    protocol === IpProtocol.DCCP ||
    protocol === IpProtocol.UDP_LITE
  );
}
