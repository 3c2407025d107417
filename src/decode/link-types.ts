/**
 * The LINKTYPE_ values the decoders handle (https://www.tcpdump.org/linktypes.html). The capture
 * stage names every link type; these are only the numbers decode dispatches on.
 */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  ETHERNET: 1,
  /** PPP (RFC 1661), optionally with HDLC-like framing (RFC 1662). */
  PPP: 9,
  /** DLT_RAW as most BSDs number it: old files use the DLT value, which means raw IP. */
  DLT_RAW_12: 12,
  /** DLT_RAW as OpenBSD numbers it. */
  DLT_RAW_14: 14,
  /** Raw IP; the version nibble says IPv4 or IPv6. */
  RAW: 101,
  /** OpenBSD loopback: like NULL but the address family is in network byte order. */
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
