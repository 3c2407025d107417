/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each `type, length, body, length`.
 * A Section Header Block starts each section and sets its byte order; the Interface Description
 * Blocks of a section are numbered from 0 within it, and packet blocks name their interface by
 * that number. PacketRecord.interfaceIndex is the global index into CaptureMeta.interfaces.
 *
 * The two copies of the block length frame every block, so damage inside a well-framed block
 * (a bad option, an interface that does not exist, a packet longer than its block) skips that
 * block with a warning and reading goes on; damage to the framing itself stops reading there.
 */
import { formatIp } from "../model/ip-text.ts";
import {
  MAX_BLOCK_BYTES,
  MAX_HEADER_COMMENTS,
  MAX_INTERFACES,
  MAX_NAME_RECORDS,
  MAX_PACKET_BYTES,
  MAX_SECRETS_BYTES,
  MAX_SECTIONS,
} from "./limits.ts";
import { linkTypeName } from "./linktypes.ts";
import type { PacketSink } from "./packet-sink.ts";
import { OPT_COMMENT, OptionCursor } from "./pcapng-options.ts";
import type { RecordParser } from "./record-parser.ts";
import { microsecondTicks, TickConverter, type TimestampTarget } from "./tick-converter.ts";
import {
  CaptureError,
  type CaptureInterface,
  type CaptureSection,
  type CaptureWarning,
  type CaptureWarningCode,
  type InterfaceStatistics,
} from "./types.ts";
import { utf8Text } from "./utf8-text.ts";

// Block types (draft-ietf-opsawg-pcapng §10.1).
export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
/** Packet Block: obsolete since pcapng 1.0's draft, still found in old files. */
export const BLOCK_OPB = 0x00000002;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_NRB = 0x00000004;
export const BLOCK_ISB = 0x00000005;
export const BLOCK_EPB = 0x00000006;
export const BLOCK_DSB = 0x0000000a;
export const BLOCK_CUSTOM_COPY = 0x00000bad;
export const BLOCK_CUSTOM_NOCOPY = 0x40000bad;

/** The SHB byte-order magic as a little-endian read sees it in a little- or big-endian file. */
const BYTE_ORDER_MAGIC_LE = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_BE = 0x4d3c2b1a;

/** type + length + trailing length */
const BLOCK_OVERHEAD_BYTES = 12;
const SHB_MIN_BYTES = 28;
const IDB_MIN_BYTES = 20;
const EPB_MIN_BYTES = 32;
const SPB_MIN_BYTES = 16;
const ISB_MIN_BYTES = 24;
const DSB_MIN_BYTES = 20;
/** Offset of the packet data in an EPB (and in the obsolete Packet Block). */
const EPB_DATA_OFFSET = 28;
const SPB_DATA_OFFSET = 12;

/** SHB major version 1 is the only one defined; a different major version is incompatible. */
const PCAPNG_MAJOR_VERSION = 1;

// Option codes (draft-ietf-opsawg-pcapng §4.1-4.7).
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FILTER = 11;
const IF_OS = 12;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;
const EPB_FLAGS = 2;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;
const ISB_FILTERACCEPT = 6;
const ISB_OSDROP = 7;
const ISB_USRDELIV = 8;
// Name Resolution Block record types (§4.5).
const NRB_RECORD_END = 0;
const NRB_RECORD_IPV4 = 1;
const NRB_RECORD_IPV6 = 2;

/** epb_flags bits 0-1: inbound/outbound direction (§4.3.1). */
const FLAGS_DIRECTION_MASK = 0x3;
const FLAGS_INBOUND = 1;
const FLAGS_OUTBOUND = 2;

/** Decryption Secrets Block secrets types (§4.7). */
const SECRETS_TYPES: Record<number, string> = {
  1414288203: "tls-key-log",
  1464290124: "wireguard-key-log",
  1515083595: "zigbee-nwk-key",
  1514229843: "zigbee-aps-key",
};
const TEXT_SECRETS = new Set(["tls-key-log", "wireguard-key-log"]);

export class PcapngParser implements RecordParser {
  neededBytes = BLOCK_OVERHEAD_BYTES;
  done = false;

  private consumed = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;
  private readonly options = new OptionCursor();
  /** The first Section Header Block was read whole; until then damage means an unusable file. */
  private headerAccepted = false;

  // The current section.
  private littleEndian = true;
  private sectionFirstInterface = 0;
  private sectionInterfaces = 0;
  /** The section's major version is not 1: its blocks are skipped up to the next SHB. */
  private skippingSection = false;
  private skippedInSection = 0;
  private skippedSectionWarning: CaptureWarning | undefined;

  // Per global interface: what the packet loop needs, in flat arrays.
  private readonly ifLinkType: number[] = [];
  private readonly ifSnapLen: number[] = [];
  private readonly ifTicks: TickConverter[] = [];
  private readonly ifOffsetSec: number[] = [];

  /** Time of the last timestamped packet, for Simple Packet Blocks (which have none). */
  private lastSec = 0;
  private lastNsec = 0;
  private readonly statsTime: TimestampTarget = { tsSec: 0, tsNsec: 0 };
  private secretsBytes = 0;
  private headerComments = 0;

  constructor(private readonly sink: PacketSink) {
    sink.meta.format = "pcapng";
  }

  feed(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    if (buf !== this.viewOf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    const view = this.view;
    const base = this.consumed - start;
    let pos = start;
    this.neededBytes = 0;
    while (!this.done) {
      const available = end - pos;
      if (available < BLOCK_OVERHEAD_BYTES) {
        if (!eof) {
          this.neededBytes = BLOCK_OVERHEAD_BYTES;
          break;
        }
        if (available > 0) {
          this.stopAt(
            "truncated-record",
            `the file ends ${available} bytes into a block header: the capture was cut short`,
            base + pos,
          );
        }
        this.finishSection();
        this.done = true;
        pos = end;
        break;
      }
      const type = view.getUint32(pos, this.littleEndian);
      let le = this.littleEndian;
      if (type === BLOCK_SHB) {
        // The SHB type reads the same in both orders; its byte-order magic decides the section's.
        const magic = view.getUint32(pos + 8, true);
        if (magic === BYTE_ORDER_MAGIC_LE) le = true;
        else if (magic === BYTE_ORDER_MAGIC_BE) le = false;
        else {
          this.stopAt(
            "bad-section-header",
            `a section header block has byte-order magic 0x${hex32(magic)}, not 0x1a2b3c4d in either byte order`,
            base + pos,
          );
          break;
        }
      }
      const length = view.getUint32(pos + 4, le);
      if (length < BLOCK_OVERHEAD_BYTES) {
        this.stopAt(
          "block-too-small",
          `block type 0x${hex32(type)} says it is ${length} bytes long, less than the ${BLOCK_OVERHEAD_BYTES} of an empty block`,
          base + pos,
        );
        break;
      }
      if ((length & 3) !== 0) {
        this.stopAt(
          "block-length-unaligned",
          `block type 0x${hex32(type)} says it is ${length} bytes long, not a multiple of 4`,
          base + pos,
        );
        break;
      }
      if (length > MAX_BLOCK_BYTES) {
        this.stopAt(
          "block-too-large",
          `block type 0x${hex32(type)} says it is ${length} bytes long, more than the ${MAX_BLOCK_BYTES} accepted`,
          base + pos,
        );
        break;
      }
      if (length > available) {
        if (!eof) {
          this.neededBytes = length;
          break;
        }
        this.stopAt(
          "truncated-record",
          `the file ends ${available} bytes into a ${length}-byte block (type 0x${hex32(type)}): the capture was cut short`,
          base + pos,
        );
        pos = end;
        break;
      }
      const trailer = view.getUint32(pos + length - 4, le);
      if (type === BLOCK_EPB) {
        if (trailer !== length) {
          this.lengthMismatch(type, length, trailer, base + pos);
          break;
        }
        if (!this.skippingSection)
          this.packetBlock(buf, pos, length, base, view.getUint32(pos + 8, le));
        else this.skippedInSection++;
      } else if (type === BLOCK_SHB) {
        this.sectionHeader(buf, pos, length, base, le);
        if (this.done) break;
        if (trailer !== length) {
          this.lengthMismatch(type, length, trailer, base + pos);
          break;
        }
        this.headerAccepted = true;
      } else {
        if (trailer !== length) {
          this.lengthMismatch(type, length, trailer, base + pos);
          break;
        }
        if (this.skippingSection) this.skippedInSection++;
        else this.otherBlock(buf, type, pos, length, base);
      }
      pos += length;
    }
    this.consumed = base + pos;
    return pos;
  }

  private otherBlock(buf: Uint8Array, type: number, pos: number, length: number, base: number) {
    switch (type) {
      case BLOCK_SPB:
        this.simplePacketBlock(buf, pos, length, base);
        return;
      case BLOCK_IDB:
        this.interfaceDescription(buf, pos, length, base);
        return;
      case BLOCK_OPB:
        // Same layout as the EPB but a 16-bit interface id followed by a 16-bit drop count.
        if (length >= EPB_MIN_BYTES) {
          this.packetBlock(buf, pos, length, base, this.view.getUint16(pos + 8, this.littleEndian));
        } else
          this.malformed(
            `a packet block of ${length} bytes cannot hold its fixed fields`,
            base + pos,
          );
        return;
      case BLOCK_ISB:
        this.interfaceStatistics(pos, length, base);
        return;
      case BLOCK_NRB:
        this.nameResolution(buf, pos, length, base);
        return;
      case BLOCK_DSB:
        this.decryptionSecrets(buf, pos, length, base);
        return;
      default: {
        // Custom blocks (0x00000BAD, 0x40000BAD) and any type this reader does not know.
        const key = `0x${hex32(type)}`;
        const skipped = this.sink.meta.skippedBlocks;
        skipped[key] = (skipped[key] ?? 0) + 1;
      }
    }
  }

  /** Enhanced Packet Block (and the obsolete Packet Block): the hot path. */
  private packetBlock(
    buf: Uint8Array,
    pos: number,
    length: number,
    base: number,
    interfaceId: number,
  ): void {
    if (length < EPB_MIN_BYTES) {
      this.malformed(`a packet block of ${length} bytes cannot hold its fixed fields`, base + pos);
      return;
    }
    if (interfaceId >= this.sectionInterfaces) {
      this.undefinedInterface(interfaceId, base + pos);
      return;
    }
    const view = this.view;
    const le = this.littleEndian;
    const caplen = view.getUint32(pos + 20, le);
    if (caplen > length - EPB_MIN_BYTES) {
      this.malformed(
        `a packet block of ${length} bytes claims ${caplen} captured bytes, more than it holds`,
        base + pos,
      );
      return;
    }
    if (caplen > MAX_PACKET_BYTES) {
      this.tooLarge(caplen, base + pos);
      return;
    }
    const sink = this.sink;
    const record = sink.record;
    const g = this.sectionFirstInterface + interfaceId;
    this.ifTicks[g].split(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le), record);
    record.tsSec += this.ifOffsetSec[g];
    record.hasTimestamp = true;
    record.interfaceIndex = g;
    record.linkType = this.ifLinkType[g];
    record.originalLenBytes = view.getUint32(pos + 24, le);
    const dataStart = pos + EPB_DATA_OFFSET;
    record.bytes = buf;
    record.dataOffset = dataStart;
    record.capturedLenBytes = caplen;
    record.fileOffset = base + pos;
    record.direction = undefined;
    record.comments = undefined;
    const optionsStart = dataStart + ((caplen + 3) & ~3);
    if (optionsStart < pos + length - 4)
      this.packetOptions(buf, optionsStart, pos + length - 4, base);
    if (caplen > this.ifSnapLen[g]) this.overSnapLen(caplen, g, base + pos);
    this.lastSec = record.tsSec;
    this.lastNsec = record.tsNsec;
    if (!sink.deliver()) this.done = true;
  }

  private packetOptions(buf: Uint8Array, start: number, end: number, base: number): void {
    const cursor = this.options;
    const record = this.sink.record;
    cursor.reset(this.view, start, end, this.littleEndian);
    while (cursor.next()) {
      if (cursor.code === OPT_COMMENT) {
        const text = utf8Text(buf, cursor.valueStart, cursor.valueStart + cursor.valueLength);
        if (record.comments === undefined) record.comments = [text];
        else record.comments.push(text);
      } else if (cursor.code === EPB_FLAGS && cursor.valueLength >= 4) {
        const direction = cursor.u32() & FLAGS_DIRECTION_MASK;
        record.direction =
          direction === FLAGS_INBOUND
            ? "inbound"
            : direction === FLAGS_OUTBOUND
              ? "outbound"
              : undefined;
      }
    }
    if (cursor.overrunOffset >= 0) this.optionOverrun(base, "packet block");
  }

  /** Simple Packet Block: interface 0 of the section, no timestamp, caplen = min(len, snaplen). */
  private simplePacketBlock(buf: Uint8Array, pos: number, length: number, base: number): void {
    if (length < SPB_MIN_BYTES) {
      this.malformed(
        `a simple packet block of ${length} bytes cannot hold its fixed fields`,
        base + pos,
      );
      return;
    }
    if (this.sectionInterfaces === 0) {
      this.undefinedInterface(0, base + pos);
      return;
    }
    const g = this.sectionFirstInterface;
    const original = this.view.getUint32(pos + 8, this.littleEndian);
    const snapLen = this.ifSnapLen[g];
    const caplen = Math.min(original, snapLen);
    if (caplen > length - SPB_MIN_BYTES) {
      this.malformed(
        `a simple packet block of ${length} bytes cannot hold the ${caplen} bytes it implies`,
        base + pos,
      );
      return;
    }
    if (caplen > MAX_PACKET_BYTES) {
      this.tooLarge(caplen, base + pos);
      return;
    }
    const record = this.sink.record;
    record.tsSec = this.lastSec;
    record.tsNsec = this.lastNsec;
    record.hasTimestamp = false;
    record.interfaceIndex = g;
    record.linkType = this.ifLinkType[g];
    record.originalLenBytes = original;
    record.bytes = buf;
    record.dataOffset = pos + SPB_DATA_OFFSET;
    record.capturedLenBytes = caplen;
    record.fileOffset = base + pos;
    record.direction = undefined;
    record.comments = undefined;
    if (!this.sink.deliver()) this.done = true;
  }

  private sectionHeader(
    buf: Uint8Array,
    pos: number,
    length: number,
    base: number,
    le: boolean,
  ): void {
    const meta = this.sink.meta;
    this.finishSection();
    if (length < SHB_MIN_BYTES) {
      this.stopAt(
        "block-too-small",
        `a section header block of ${length} bytes cannot hold its ${SHB_MIN_BYTES}-byte fixed part`,
        base + pos,
      );
      return;
    }
    if (meta.sections.length >= MAX_SECTIONS) {
      this.stopAt(
        "metadata-limit",
        `more than ${MAX_SECTIONS} sections: a file built to exhaust memory, not a capture`,
        base + pos,
      );
      return;
    }
    const view = this.view;
    const section: CaptureSection = {
      index: meta.sections.length,
      byteOrder: le ? "little" : "big",
      versionMajor: view.getUint16(pos + 12, le),
      versionMinor: view.getUint16(pos + 14, le),
      offsetBytes: base + pos,
      comments: [],
    };
    const cursor = this.options;
    cursor.reset(view, pos + 24, pos + length - 4, le);
    while (cursor.next()) {
      const end = cursor.valueStart + cursor.valueLength;
      switch (cursor.code) {
        case OPT_COMMENT:
          this.keepComment(section.comments, buf, cursor.valueStart, end, base);
          break;
        case SHB_HARDWARE:
          section.hardware = utf8Text(buf, cursor.valueStart, end);
          break;
        case SHB_OS:
          section.os = utf8Text(buf, cursor.valueStart, end);
          break;
        case SHB_USERAPPL:
          section.application = utf8Text(buf, cursor.valueStart, end);
          break;
      }
    }
    if (cursor.overrunOffset >= 0) this.optionOverrun(base, "section header block");
    meta.sections.push(section);
    this.littleEndian = le;
    this.sectionFirstInterface = meta.interfaces.length;
    this.sectionInterfaces = 0;
    if (section.versionMajor !== PCAPNG_MAJOR_VERSION) {
      this.skippingSection = true;
      this.skippedInSection = 0;
      this.skippedSectionWarning = this.sink.warnings.add(
        "unsupported-section-version",
        `section ${section.index} has version ${section.versionMajor}.${section.versionMinor}; only 1.x is defined, so its blocks were skipped up to the next section (tshark stops reading here)`,
        base + pos,
        meta.packets + 1,
      );
    } else {
      this.skippingSection = false;
    }
  }

  /** Ends a skipped section: its warning says how many blocks went unread. */
  private finishSection(): void {
    if (!this.skippingSection || this.skippedSectionWarning === undefined) return;
    const w = this.skippedSectionWarning;
    if (w.count === undefined) {
      w.message = w.message.replace(
        "its blocks were skipped",
        `its ${this.skippedInSection} blocks were skipped`,
      );
    }
    this.skippingSection = false;
  }

  private interfaceDescription(buf: Uint8Array, pos: number, length: number, base: number) {
    if (length < IDB_MIN_BYTES) {
      this.malformed(
        `an interface description block of ${length} bytes cannot hold its fixed fields`,
        base + pos,
      );
      return;
    }
    const meta = this.sink.meta;
    if (meta.interfaces.length >= MAX_INTERFACES) {
      this.stopAt(
        "metadata-limit",
        `more than ${MAX_INTERFACES} interfaces: a file built to exhaust memory, not a capture`,
        base + pos,
      );
      return;
    }
    const view = this.view;
    const le = this.littleEndian;
    const linkType = view.getUint16(pos + 8, le);
    const snapLen = view.getUint32(pos + 12, le);
    const iface: CaptureInterface = {
      index: meta.interfaces.length,
      sectionIndex: meta.sections.length - 1,
      linkType,
      linkTypeName: linkTypeName(linkType),
      snapLenBytes: snapLen,
      tsUnitsPerSec: 1_000_000,
      tsOffsetSec: 0,
      comments: [],
    };
    let ticks = microsecondTicks();
    const cursor = this.options;
    cursor.reset(view, pos + 16, pos + length - 4, le);
    while (cursor.next()) {
      const start = cursor.valueStart;
      const end = start + cursor.valueLength;
      switch (cursor.code) {
        case OPT_COMMENT:
          this.keepComment(iface.comments, buf, start, end, base);
          break;
        case IF_NAME:
          iface.name = utf8Text(buf, start, end);
          break;
        case IF_DESCRIPTION:
          iface.description = utf8Text(buf, start, end);
          break;
        case IF_OS:
          iface.os = utf8Text(buf, start, end);
          break;
        case IF_FILTER:
          // First byte: filter kind, 0 = libpcap filter string.
          if (cursor.valueLength > 1 && cursor.u8() === 0)
            iface.filter = utf8Text(buf, start + 1, end);
          break;
        case IF_TSRESOL:
          if (cursor.valueLength >= 1) {
            ticks = TickConverter.fromTsresol(cursor.u8());
            iface.tsUnitsPerSec = ticks.unitsPerSec;
          } else this.badOption("if_tsresol", cursor.valueLength, base + start - 4);
          break;
        case IF_TSOFFSET:
          if (cursor.valueLength >= 8) iface.tsOffsetSec = cursor.i64();
          else this.badOption("if_tsoffset", cursor.valueLength, base + start - 4);
          break;
        case IF_FCSLEN:
          if (cursor.valueLength >= 1) iface.fcsLenBytes = cursor.u8();
          break;
      }
    }
    if (cursor.overrunOffset >= 0) this.optionOverrun(base, "interface description block");
    meta.interfaces.push(iface);
    this.ifLinkType.push(linkType);
    this.ifSnapLen.push(snapLen === 0 ? Number.POSITIVE_INFINITY : snapLen);
    this.ifTicks.push(ticks);
    this.ifOffsetSec.push(iface.tsOffsetSec);
    this.sectionInterfaces++;
  }

  private interfaceStatistics(pos: number, length: number, base: number) {
    if (length < ISB_MIN_BYTES) {
      this.malformed(
        `an interface statistics block of ${length} bytes cannot hold its fixed fields`,
        base + pos,
      );
      return;
    }
    const view = this.view;
    const le = this.littleEndian;
    const interfaceId = view.getUint32(pos + 8, le);
    if (interfaceId >= this.sectionInterfaces) {
      this.undefinedInterface(interfaceId, base + pos);
      return;
    }
    const g = this.sectionFirstInterface + interfaceId;
    const time = this.statsTime;
    this.ifTicks[g].split(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le), time);
    const stats: InterfaceStatistics = {
      tsSec: time.tsSec + this.ifOffsetSec[g],
      tsNsec: time.tsNsec,
    };
    const cursor = this.options;
    cursor.reset(view, pos + 20, pos + length - 4, le);
    while (cursor.next()) {
      if (cursor.valueLength < 8) continue;
      switch (cursor.code) {
        case ISB_IFRECV:
          stats.received = cursor.u64();
          break;
        case ISB_IFDROP:
          stats.dropped = cursor.u64();
          break;
        case ISB_FILTERACCEPT:
          stats.filterAccepted = cursor.u64();
          break;
        case ISB_OSDROP:
          stats.droppedByOs = cursor.u64();
          break;
        case ISB_USRDELIV:
          stats.delivered = cursor.u64();
          break;
      }
    }
    if (cursor.overrunOffset >= 0) this.optionOverrun(base, "interface statistics block");
    this.sink.meta.interfaces[g].statistics = stats;
  }

  private nameResolution(buf: Uint8Array, pos: number, length: number, base: number) {
    const view = this.view;
    const le = this.littleEndian;
    const names = this.sink.meta.names;
    const end = pos + length - 4;
    let p = pos + 8;
    while (end - p >= 4) {
      const type = view.getUint16(p, le);
      const valueLength = view.getUint16(p + 2, le);
      if (type === NRB_RECORD_END) break;
      const value = p + 4;
      if (value + valueLength > end) {
        this.malformed(
          `a name resolution record of ${valueLength} bytes runs past the end of its block`,
          base + p,
        );
        return;
      }
      const addressBytes =
        type === NRB_RECORD_IPV4 ? 4 : type === NRB_RECORD_IPV6 ? 16 : Number.POSITIVE_INFINITY;
      if (valueLength > addressBytes) {
        if (names.length >= MAX_NAME_RECORDS) {
          this.sink.warnings.add(
            "metadata-limit",
            `more than ${MAX_NAME_RECORDS} name resolution records; the rest are not kept`,
            base + p,
          );
        } else {
          const address = formatIp(buf, value, addressBytes === 4 ? 4 : 6);
          const list = utf8Text(buf, value + addressBytes, value + valueLength)
            .split("\0")
            .filter((n) => n.length > 0);
          names.push({ address, names: list });
        }
      }
      p = value + ((valueLength + 3) & ~3);
    }
  }

  private decryptionSecrets(buf: Uint8Array, pos: number, length: number, base: number) {
    if (length < DSB_MIN_BYTES) {
      this.malformed(
        `a decryption secrets block of ${length} bytes cannot hold its fixed fields`,
        base + pos,
      );
      return;
    }
    const view = this.view;
    const le = this.littleEndian;
    const typeCode = view.getUint32(pos + 8, le);
    const secretsLength = view.getUint32(pos + 12, le);
    if (secretsLength > length - DSB_MIN_BYTES) {
      this.malformed(
        `a decryption secrets block of ${length} bytes claims ${secretsLength} bytes of secrets`,
        base + pos,
      );
      return;
    }
    if (this.secretsBytes + secretsLength > MAX_SECRETS_BYTES) {
      this.sink.warnings.add(
        "metadata-limit",
        `more than ${MAX_SECRETS_BYTES} bytes of decryption secrets; the rest are not kept`,
        base + pos,
      );
      return;
    }
    this.secretsBytes += secretsLength;
    const type = SECRETS_TYPES[typeCode] ?? `type-0x${hex32(typeCode)}`;
    const start = pos + 16;
    const text = TEXT_SECRETS.has(type)
      ? utf8Text(buf, start, start + secretsLength)
      : Buffer.from(buf.buffer, buf.byteOffset + start, secretsLength).toString("hex");
    this.sink.meta.secrets.push({ type, text });
  }

  /** A section or interface comment, within MAX_HEADER_COMMENTS for the whole file. */
  private keepComment(
    list: string[],
    buf: Uint8Array,
    start: number,
    end: number,
    base: number,
  ): void {
    if (this.headerComments >= MAX_HEADER_COMMENTS) {
      this.warn(
        "metadata-limit",
        `more than ${MAX_HEADER_COMMENTS} section and interface comments; the rest are not kept`,
        base + start - 4,
      );
      return;
    }
    this.headerComments++;
    list.push(utf8Text(buf, start, end));
  }

  // ── warnings ──

  private warn(code: CaptureWarningCode, message: string, offset: number): void {
    this.sink.warnings.add(code, message, offset, this.sink.meta.packets + 1);
  }

  private malformed(message: string, offset: number): void {
    this.warn("malformed-block", `${message}; the block was skipped`, offset);
  }

  private undefinedInterface(interfaceId: number, offset: number): void {
    this.warn(
      "undefined-interface",
      `a block names interface ${interfaceId} but section ${this.sink.meta.sections.length - 1} describes ${this.sectionInterfaces} interface(s); the block was skipped`,
      offset,
    );
  }

  private tooLarge(caplen: number, offset: number): void {
    this.warn(
      "record-too-large",
      `a packet block holds a ${caplen}-byte packet, bigger than the maximum of ${MAX_PACKET_BYTES}; the block was skipped`,
      offset,
    );
  }

  private overSnapLen(caplen: number, g: number, offset: number): void {
    this.warn(
      "caplen-exceeds-snaplen",
      `a packet holds ${caplen} bytes, more than interface ${g}'s snaplen of ${this.ifSnapLen[g]}; read as is`,
      offset,
    );
  }

  private optionOverrun(base: number, where: string): void {
    const c = this.options;
    this.warn(
      "option-overrun",
      `option ${c.overrunCode} of a ${where} claims ${c.overrunLength} bytes, past the end of the block; it and any options after it were ignored`,
      base + c.overrunOffset,
    );
  }

  private badOption(name: string, lengthBytes: number, offset: number): void {
    this.warn(
      "bad-option",
      `option ${name} has an impossible length of ${lengthBytes} bytes; ignored`,
      offset,
    );
  }

  private lengthMismatch(type: number, length: number, trailer: number, offset: number): void {
    this.stopAt(
      "block-length-mismatch",
      `block type 0x${hex32(type)} starts with length ${length} but ends with length ${trailer}: the file is corrupt from here`,
      offset,
    );
  }

  /**
   * Damage to the block framing: reading stops. In the first section header the file cannot be
   * used at all, which is the caller's CaptureError; later, every packet before is kept.
   */
  private stopAt(code: CaptureWarningCode, message: string, offset: number): void {
    const meta = this.sink.meta;
    if (!this.headerAccepted) {
      const earlier = meta.warnings.map((w) => `; also ${w.message} (byte ${w.offsetBytes})`);
      throw new CaptureError(
        "WW_ERR_BAD_HEADER",
        `${meta.source}: the pcapng section header at byte 0 is unusable: ${message} (${code} at byte ${offset})${earlier.join("")}`,
        offset,
      );
    }
    this.sink.warnings.addFinal(
      code,
      `${message}; reading stopped after frame ${meta.packets}`,
      offset,
      meta.packets + 1,
    );
    meta.stoppedEarly = true;
    this.done = true;
  }
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
