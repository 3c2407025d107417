/**
 * Types of the capture stage: what a capture file holds before any packet is decoded.
 *
 * Readers deliver one PacketRecord at a time through a callback. The record object and the
 * buffer its bytes lie in are reused for the next packet (gopacket's ZeroCopyReadPacketData):
 * copy out what you keep.
 */

export type CaptureFormat = "pcap" | "pcapng";
export type Compression = "none" | "gzip";
export type ByteOrder = "little" | "big";

/** One packet as the file stores it. Reused between callbacks: valid only during the callback. */
export interface PacketRecord {
  /** 1-based frame number, as Wireshark numbers frames. */
  frame: number;
  /**
   * The captured bytes: a view into the reader's buffer, valid only during the callback. Made
   * when asked for; the analysis reads `bytes` at `dataOffset` instead (decodeRecord), which
   * costs no allocation per packet.
   */
  readonly dataView: Uint8Array;
  /** The reader's buffer the captured bytes lie in: bytes[dataOffset, dataOffset + capturedLenBytes). */
  bytes: Uint8Array;
  dataOffset: number;
  /** Bytes captured (pcap incl_len, pcapng captured packet length). */
  capturedLenBytes: number;
  /** Length of the packet on the wire (pcap orig_len, pcapng original packet length). */
  originalLenBytes: number;
  /** Whole seconds since the Unix epoch (if_tsoffset already applied). */
  tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999. */
  tsNsec: number;
  /**
   * False for a pcapng Simple Packet Block, which has no timestamp: tsSec/tsNsec then repeat the
   * previous packet's time (0 when it is the first), so time never jumps back to 1970.
   */
  hasTimestamp: boolean;
  /** Index into CaptureMeta.interfaces (for pcap always 0). */
  interfaceIndex: number;
  /** The interface's LINKTYPE_ value. */
  linkType: number;
  /** Byte offset of the record (block) in the uncompressed file. */
  fileOffset: number;
  /** pcapng EPB flags direction, when the file says it. */
  direction: "inbound" | "outbound" | undefined;
  /** pcapng opt_comment values on this packet, when present. */
  comments: string[] | undefined;
}

/** A pcapng Section Header Block (pcap files get one synthetic section). */
export interface CaptureSection {
  index: number;
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  offsetBytes: number;
  hardware?: string;
  os?: string;
  application?: string;
  comments: string[];
}

/** A pcapng Interface Description Block (pcap files get one synthetic interface). */
export interface CaptureInterface {
  /** Global index across sections: what PacketRecord.interfaceIndex refers to. */
  index: number;
  sectionIndex: number;
  linkType: number;
  /** Name of the link type, e.g. "EN10MB", "LINUX_SLL2"; "LINKTYPE_n" when unknown. */
  linkTypeName: string;
  /** 0 means "no limit" (pcapng allows it). */
  snapLenBytes: number;
  /** Frame check sequence bytes at the end of every packet, when the file says (pcap header FCS
   * bits, pcapng if_fcslen). */
  fcsLenBytes?: number;
  name?: string;
  description?: string;
  os?: string;
  filter?: string;
  /** Timestamp units per second (1e6 for microseconds, 1e9 for nanoseconds, or a power of two). */
  tsUnitsPerSec: number;
  /** if_tsoffset in seconds (0 when absent). */
  tsOffsetSec: number;
  comments: string[];
  /** Last Interface Statistics Block seen for this interface. */
  statistics?: InterfaceStatistics;
}

export interface InterfaceStatistics {
  tsSec: number;
  tsNsec: number;
  received?: number;
  dropped?: number;
  droppedByOs?: number;
  delivered?: number;
  filterAccepted?: number;
}

/** Name Resolution Block entry. */
export interface NameRecord {
  address: string;
  names: string[];
}

/** A Decryption Secrets Block; TLS key logs are kept as text for the TLS stage. */
export interface DecryptionSecret {
  /** "tls-key-log" (0x544c534b), "wireguard-key-log", ... or "type-0xNNNNNNNN". */
  type: string;
  text: string;
}

/**
 * A problem with the file, named so it can be searched for (like Zeek's weirds).
 * Every warning that stops reading names the byte offset where the damage starts.
 */
export interface CaptureWarning {
  /** Stable kebab-case name, e.g. "truncated-record", "block-length-mismatch" (CaptureWarningCode;
   * docs/capture.md defines each). */
  code: string;
  message: string;
  offsetBytes?: number;
  /** The frame the warning concerns (or the last good frame + 1 where reading stopped). */
  frame?: number;
  /** How many times it happened, when more than once (only the first is described). */
  count?: number;
  /** Bytes skipped to resynchronise on the next plausible record after damage (pcap). */
  skippedBytes?: number;
}

/** The warning codes the capture readers emit; docs/capture.md defines each. */
export type CaptureWarningCode =
  // Reading stopped here (every packet before it was delivered):
  | "truncated-record"
  | "record-too-large"
  | "block-length-mismatch"
  | "block-too-small"
  | "block-length-unaligned"
  | "block-too-large"
  | "bad-section-header"
  | "gzip-error"
  | "read-error"
  // Reading went on:
  | "unsupported-version"
  | "unsupported-section-version"
  | "linktype-reserved-bits"
  | "timestamp-fraction-overflow"
  | "caplen-exceeds-snaplen"
  | "undefined-interface"
  | "malformed-block"
  | "option-overrun"
  | "bad-option"
  | "metadata-limit";

export interface CaptureMeta {
  /** The path given, or "-" for standard input. */
  source: string;
  format: CaptureFormat;
  compression: Compression;
  /** For pcap: the header's version, magic resolution and byte order. */
  pcap?: {
    versionMajor: number;
    versionMinor: number;
    nanosecond: boolean;
    byteOrder: ByteOrder;
  };
  sections: CaptureSection[];
  interfaces: CaptureInterface[];
  names: NameRecord[];
  secrets: DecryptionSecret[];
  /** Blocks skipped because their type is unknown or custom, by type ("0x00000bad": 2). */
  skippedBlocks: Record<string, number>;
  packets: number;
  /** Bytes of the uncompressed file consumed. */
  fileBytes: number;
  warnings: CaptureWarning[];
  /** True when reading stopped before the end (damage, or the callback asked to stop). */
  stoppedEarly: boolean;
}

/** Return false to stop reading (e.g. `-c N`). */
export type PacketCallback = (
  record: PacketRecord,
  meta: CaptureMeta,
  // biome-ignore lint/suspicious/noConfusingVoidType: callbacks that return nothing must be accepted
) => undefined | boolean | void;

/** Thrown only when nothing can be read at all; `code` is stable. */
export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  readonly offsetBytes: number | undefined;
  constructor(code: CaptureErrorCode, message: string, offsetBytes?: number) {
    super(message);
    this.name = "CaptureError";
    this.code = code;
    this.offsetBytes = offsetBytes;
  }
}

export type CaptureErrorCode =
  | "WW_ERR_FILE" // cannot open/read the file
  | "WW_ERR_EMPTY" // zero bytes
  | "WW_ERR_NOT_CAPTURE" // the first bytes are no capture format we know
  | "WW_ERR_BAD_HEADER" // a capture, but its file header cannot be used
  | "WW_ERR_INTERNAL"; // a bug in wirewhy's reader (reported, never swallowed)
