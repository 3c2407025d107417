/** EtherType values the decoders act on (IEEE 802 numbers, RFC 7042 §3). */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** IEEE 802.1Q customer VLAN tag. */
  VLAN: 0x8100,
  /** IEEE 802.1ad service VLAN tag (QinQ outer tag). */
  QINQ: 0x88a8,
  /** Pre-standard QinQ outer tags used by some switches. */
  QINQ_9100: 0x9100,
  QINQ_9200: 0x9200,
  IPV6: 0x86dd,
  /** Transparent Ethernet bridging: an Ethernet frame inside GRE (gretap, RFC 1701). */
  TRANSPARENT_ETHERNET: 0x6558,
  /** PPP inside enhanced GRE (PPTP, RFC 2637). */
  PPP: 0x880b,
  ERSPAN_TYPE_2: 0x88be,
  ERSPAN_TYPE_3: 0x22eb,
} as const;

/**
 * Largest value of the Ethernet type/length field that is a length (IEEE 802.3 §3.2.6): the frame
 * is an 802.3 frame with an 802.2 LLC header. Values from 0x0600 (1536) up are EtherTypes.
 */
export const ETHERNET_MAX_LENGTH_FIELD = 1500;
export const ETHERTYPE_MIN = 0x0600;
