/**
 * How one layer hands over to the next without allocating: each decoder reads where its layer
 * starts from the cursor, fills the PacketView, and writes the next layer and its offset back
 * (gopacket's DecodingLayerParser does the same with NextLayerType). The dispatch loop in index.ts
 * calls the decoders; no decoder calls another, so nesting depth never grows the stack.
 */

/** The layers the dispatch loop knows. */
export const Layer = {
  DONE: 0,
  ETHERNET: 1,
  SLL: 2,
  SLL2: 3,
  BSD_LOOPBACK: 4,
  PPP: 5,
  /** Raw IP; the version nibble decides. */
  RAW_IP: 6,
  RAW_IPV4: 7,
  RAW_IPV6: 8,
  /** A payload announced by an EtherType (view.etherType): VLAN tags, LLC/SNAP, then IP. */
  ETHERTYPE_PAYLOAD: 9,
  IPV4: 10,
  IPV6: 11,
  TCP: 12,
  UDP: 13,
  ICMP: 14,
  ICMPV6: 15,
  GRE: 16,
  VXLAN: 17,
} as const;

export type LayerId = (typeof Layer)[keyof typeof Layer];

export interface DecodeCursor {
  /** The layer to decode next; DONE ends the packet. */
  next: LayerId;
  /** Where that layer starts in the packet. */
  offsetBytes: number;
  /**
   * Where the enclosing data ends on the wire: the frame's original length, then the IP datagram's
   * end (IPv4 total length, IPv6 payload length), then the UDP datagram's. May lie past the captured
   * bytes; every read is also checked against `bytes.length`.
   */
  endBytes: number;
}

/**
 * The one cursor. decodePacket is synchronous and never re-entered, so a single module-level
 * cursor is safe and costs nothing per packet (each worker thread has its own module instance).
 */
export const decodeCursor: DecodeCursor = { next: Layer.DONE, offsetBytes: 0, endBytes: 0 };
