/** What `wirewhy info` reports about a capture: capinfos' figures plus a protocol census. */
import type { CaptureFormat, CaptureWarning, Compression } from "../capture/types.ts";

export interface InterfaceInfo {
  index: number;
  section: number;
  linkType: number;
  linkTypeName: string;
  snapLenBytes: number;
  name?: string;
  description?: string;
  /** Timestamp resolution as a power of ten or two, e.g. "1e-6 s" or "2^-20 s". */
  tsResolution: string;
  tsOffsetSec: number;
  packets: number;
  /** Figures of the interface's last Interface Statistics Block, when the file has one. */
  statistics?: { received?: number; dropped?: number; droppedByOs?: number; delivered?: number };
}

export interface TimestampInfo {
  /** ISO 8601 UTC with the file's own resolution (up to nanoseconds). */
  iso: string;
  sec: number;
  nsec: number;
}

export interface CaptureInfo {
  source: string;
  format: CaptureFormat;
  compression: Compression;
  /** Bytes of the uncompressed capture consumed (headers included). */
  fileBytes: number;
  sections: number;
  interfaces: InterfaceInfo[];
  packets: number;
  /** Sum of captured lengths. */
  capturedBytes: number;
  /** Sum of lengths on the wire. */
  wireBytes: number;
  first?: TimestampInfo;
  last?: TimestampInfo;
  durationSec: number;
  /** Averages over the duration (0 when the duration is 0). */
  bytesPerSec: number;
  bitsPerSec: number;
  packetsPerSec: number;
  averagePacketBytes: number;
  /** Packets whose captured length is below their length on the wire (cut by the snaplen). */
  truncatedPackets: number;
  /** Packets on link types the decoder does not know, by link type name. */
  unsupportedPackets: number;
  unsupportedByLinkType: Record<string, number>;
  /** Packets whose decoding stopped early, by "layer: reason". */
  decodeStops: Record<string, number>;
  /** Packets whose timestamp is earlier than the one before (capinfos' "strict time order"). */
  outOfOrderTimestamps: number;
  /** Packets containing each protocol layer (a packet counts once per layer it holds). */
  protocols: Record<string, number>;
  nameRecords: number;
  decryptionSecrets: Array<{ type: string; bytes: number }>;
  comments: string[];
  warnings: CaptureWarning[];
  /** True when reading stopped before the end of the input (see warnings). */
  partial: boolean;
}
