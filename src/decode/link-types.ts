/**
 * The link types decodePacket dispatches on, as one object. The numbers are the capture stage's
 * LINKTYPE_ constants (src/capture/linktypes.ts, after https://www.tcpdump.org/linktypes.html).
 */
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_PPP,
  LINKTYPE_RAW,
  LINKTYPE_RAW_DLT12,
  LINKTYPE_RAW_DLT14,
} from "../capture/linktypes.ts";

export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: LINKTYPE_NULL,
  ETHERNET: LINKTYPE_ETHERNET,
  /** PPP (RFC 1661), optionally with HDLC-like framing (RFC 1662). */
  PPP: LINKTYPE_PPP,
  /** Old on-disk DLT_RAW values (12 on most BSDs, 14 on BSD/OS): raw IP. */
  DLT_RAW_12: LINKTYPE_RAW_DLT12,
  DLT_RAW_14: LINKTYPE_RAW_DLT14,
  /** Raw IP; the version nibble says IPv4 or IPv6. */
  RAW: LINKTYPE_RAW,
  /** OpenBSD loopback: like NULL but the address family is in network byte order. */
  LOOP: LINKTYPE_LOOP,
  LINUX_SLL: LINKTYPE_LINUX_SLL,
  IPV4: LINKTYPE_IPV4,
  IPV6: LINKTYPE_IPV6,
  LINUX_SLL2: LINKTYPE_LINUX_SLL2,
} as const;
