/**
 * The one PacketRecord a read reuses for every packet, and the CaptureMeta it fills. Both are
 * created with every field present, so their shapes never change during a read (monomorphic
 * property access in every consumer).
 */
import type { CaptureMeta, PacketRecord } from "./types.ts";

const EMPTY = new Uint8Array(0);

export function createPacketRecord(): PacketRecord {
  return {
    frame: 0,
    dataView: EMPTY,
    originalLenBytes: 0,
    tsSec: 0,
    tsNsec: 0,
    hasTimestamp: true,
    interfaceIndex: 0,
    linkType: 0,
    fileOffset: 0,
    direction: undefined,
    comments: undefined,
  };
}

export function createCaptureMeta(source: string): CaptureMeta {
  return {
    source,
    format: "pcap",
    compression: "none",
    pcap: undefined,
    sections: [],
    interfaces: [],
    names: [],
    secrets: [],
    skippedBlocks: {},
    packets: 0,
    fileBytes: 0,
    warnings: [],
    stoppedEarly: false,
  };
}
