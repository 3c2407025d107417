/**
 * The one PacketRecord a read reuses for every packet, and the CaptureMeta it fills. Both are
 * created with every field present, so their shapes never change during a read (monomorphic
 * property access in every consumer).
 */
import type { CaptureMeta, PacketRecord } from "./types.ts";

const EMPTY = new Uint8Array(0);

/**
 * Written first into the fields that outgrow V8's 31-bit small integers (seconds after 2038 or
 * shifted by a pcapng if_tsoffset, file offsets past 2 GiB): a non-integer makes them doubles
 * from the start, so the first large value does not re-shape the class and throw away the
 * optimized code that reads it in the middle of a read.
 */
const DOUBLE_FIELD_PRIMER = 0.5;

/** The reused record: its fields are set by the parsers, its dataView made only when read. */
class ReusedPacketRecord implements PacketRecord {
  frame = 0;
  bytes: Uint8Array = EMPTY;
  dataOffset = 0;
  capturedLenBytes = 0;
  originalLenBytes = 0;
  tsSec = DOUBLE_FIELD_PRIMER;
  tsNsec = 0;
  hasTimestamp = true;
  interfaceIndex = 0;
  linkType = 0;
  fileOffset = DOUBLE_FIELD_PRIMER;
  direction: "inbound" | "outbound" | undefined = undefined;
  comments: string[] | undefined = undefined;

  get dataView(): Uint8Array {
    const b = this.bytes;
    return new Uint8Array(b.buffer, b.byteOffset + this.dataOffset, this.capturedLenBytes);
  }
}

export function createPacketRecord(): PacketRecord {
  const record = new ReusedPacketRecord();
  record.tsSec = 0;
  record.fileOffset = 0;
  return record;
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
