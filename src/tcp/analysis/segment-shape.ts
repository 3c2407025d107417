/**
 * A segment's shape: its payload (none, one byte, more) crossed with whether its sequence number
 * is below the highest one sent (Segment.seqNotAdvanced), one bit for each of the six. Each
 * classifier names the shapes it can match (`appliesTo`), as its definition demands, so the
 * analyzer calls it only for those: most segments of a transfer are data at the next sequence
 * number, which five of the fourteen classifiers can flag, and pure ACKs, which eleven can.
 */
export const SegmentShape = {
  /** No payload (pure ACK, SYN, FIN, RST). */
  EMPTY: 0b000011,
  /** Exactly one byte of payload (zero window probe, keep-alive). */
  ONE_BYTE: 0b001100,
  /** Two bytes of payload or more. */
  LONGER: 0b110000,
  /** Any payload, sequence number below the highest sent: retransmission family. */
  NOT_ADVANCED: 0b101010,
  ANY: 0b111111,
} as const;

/** The one shape bit of a segment. */
export function segmentShape(lenBytes: number, seqNotAdvanced: boolean): number {
  const payload =
    lenBytes === 0
      ? SegmentShape.EMPTY
      : lenBytes === 1
        ? SegmentShape.ONE_BYTE
        : lenBytes > 1
          ? SegmentShape.LONGER
          : SegmentShape.ANY; // not a length: let every classifier judge it
  return payload & (seqNotAdvanced ? SegmentShape.NOT_ADVANCED : ~SegmentShape.NOT_ADVANCED);
}
