import { createPacketView, decodePacket } from "../index.ts";
import type { PacketView } from "../types.ts";
import type { RecordedPacket } from "./recorded-packet.ts";

/** Decodes a recorded packet into a fresh view (or the one given). */
export function decodeRecorded(
  packet: RecordedPacket,
  view: PacketView = createPacketView(),
): PacketView {
  return decodePacket(packet.linkType, packet.bytes, packet.originalLenBytes, view);
}

/** The address at `offset` as text, for assertions. */
export { formatIp, formatMac } from "../index.ts";
