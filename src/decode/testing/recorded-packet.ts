/** A packet recorded on this machine (see record-packets.sh), as the capture stage would hand it over. */
export interface RecordedPacket {
  linkType: number;
  originalLenBytes: number;
  bytes: Uint8Array;
}

/** Parses a tcpdump-style hexdump (whitespace between groups is ignored). */
export function recorded(linkType: number, originalLenBytes: number, hex: string): RecordedPacket {
  const digits = hex.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) {
    throw new Error("hexdump must be pairs of hex digits");
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return { linkType, originalLenBytes, bytes };
}

/** A copy of the packet's bytes changed by `edit` (the recorded bytes stay untouched). */
export function edited(
  packet: RecordedPacket,
  edit: (bytes: Uint8Array) => Uint8Array | undefined,
  originalLenBytes?: number,
): RecordedPacket {
  const copy = packet.bytes.slice();
  const bytes = edit(copy) ?? copy;
  return {
    linkType: packet.linkType,
    originalLenBytes: originalLenBytes ?? Math.max(bytes.length, packet.originalLenBytes),
    bytes,
  };
}

/** The packet as a snaplen of `capturedBytes` would have recorded it. */
export function cut(packet: RecordedPacket, capturedBytes: number): RecordedPacket {
  return {
    linkType: packet.linkType,
    originalLenBytes: packet.originalLenBytes,
    bytes: packet.bytes.slice(0, capturedBytes),
  };
}

/** `prefix` bytes (a link header the test supplies) before a recorded packet's bytes. */
export function prefixed(
  linkType: number,
  prefix: readonly number[],
  packet: RecordedPacket,
): RecordedPacket {
  const bytes = new Uint8Array(prefix.length + packet.bytes.length);
  bytes.set(prefix, 0);
  bytes.set(packet.bytes, prefix.length);
  return { linkType, originalLenBytes: prefix.length + packet.originalLenBytes, bytes };
}
