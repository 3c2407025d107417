/**
 * Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header, then records of a 16-byte header
 * (seconds, fraction, captured length, original length) and the captured bytes. Either byte order;
 * the fraction is microseconds (magic a1b2c3d4) or nanoseconds (magic a1b23c4d).
 *
 * pcap has no framing beyond the captured length, so a corrupt length loses the thread. The
 * parser then scans forward for the next plausible record header (sane lengths, a timestamp near
 * the last good packet's, and another plausible header right after it) and says how many bytes it
 * skipped; when none turns up within RESYNC_SCAN_LIMIT_BYTES it stops with every good packet
 * delivered.
 */
import { MAX_PACKET_BYTES, RESYNC_MAX_TIME_GAP_SEC, RESYNC_SCAN_LIMIT_BYTES } from "./limits.ts";
import { linkTypeName } from "./linktypes.ts";
import type { PacketSink } from "./packet-sink.ts";
import type { RecordParser } from "./record-parser.ts";
import { CaptureError } from "./types.ts";

export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** The magic numbers as a little-endian read of the file's first four bytes sees them. */
export const PCAP_MAGIC_LE_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_LE_NANO = 0xa1b23c4d;
export const PCAP_MAGIC_BE_MICRO = 0xd4c3b2a1;
export const PCAP_MAGIC_BE_NANO = 0x4d3cb2a1;

/**
 * The header's link-type word (draft-ietf-opsawg-pcap §4): link type in the low 16 bits; above it
 * 10 reserved bits, the P bit (FCS length present), the R bit (reserved) and a 4-bit FCS length in
 * 16-bit words. libpcap rejects a file whose reserved bits are set (LT_RESERVED1); so does tshark.
 */
const LINKTYPE_MASK = 0x0000ffff;
const LINKTYPE_RESERVED_BITS = 0x0bff0000;
const LINKTYPE_FCS_PRESENT = 0x04000000;
const LINKTYPE_FCS_SHIFT = 28;

/** The only pcap major version ever written (2.4 since libpcap 0.4, 2.2/2.3 before). */
const PCAP_MAJOR_VERSION = 2;

/**
 * A record header found while resynchronising may claim an original length above the captured
 * limit (segmentation offload, snaplen), but not without bound: 1 MiB is 16 times the largest
 * GSO/TSO segment Linux builds (64 KiB) and still rejects most random words.
 */
const RESYNC_MAX_ORIGINAL_BYTES = 1024 * 1024;

const PLAUSIBLE = 1;
const IMPLAUSIBLE = 0;

export class PcapParser implements RecordParser {
  neededBytes = PCAP_FILE_HEADER_BYTES;
  done = false;

  private headerRead = false;
  /** Version other than 2.x: the first record must look sane before anything is delivered. */
  private checkFirstRecord = false;
  private littleEndian = true;
  private unitsPerSec = 1_000_000;
  private nsecPerUnit = 1_000;
  /** Header snaplen, or Infinity when 0 (no limit). */
  private snapLenBytes = Number.POSITIVE_INFINITY;
  /** Largest caplen a resynchronised header may claim: the snaplen if it is smaller than the max. */
  private resyncMaxCaplen = MAX_PACKET_BYTES;
  /** File offset of buf[start] at the next feed. */
  private consumed = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;
  /** Seconds of the last delivered packet; -1 before the first. */
  private lastSec = -1;

  private resyncing = false;
  private damageOffset = 0;
  private damageCaplen = 0;

  constructor(private readonly sink: PacketSink) {}

  feed(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    if (buf !== this.viewOf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    const base = this.consumed - start;
    let pos = start;
    if (!this.headerRead) {
      if (end - pos < PCAP_FILE_HEADER_BYTES) {
        if (eof) {
          throw new CaptureError(
            "WW_ERR_BAD_HEADER",
            `${this.sink.meta.source}: pcap file ends after ${end - pos} bytes, inside its ${PCAP_FILE_HEADER_BYTES}-byte file header`,
            0,
          );
        }
        this.neededBytes = PCAP_FILE_HEADER_BYTES;
        return pos;
      }
      this.readHeader(pos);
      pos += PCAP_FILE_HEADER_BYTES;
    }
    if (this.checkFirstRecord) {
      const verdict = this.plausibleAt(pos, end, eof, -1, true);
      if (verdict < 0) {
        this.neededBytes = -verdict;
        this.consumed = base + pos;
        return pos;
      }
      if (verdict === IMPLAUSIBLE) {
        const pcap = this.sink.meta.pcap!;
        throw new CaptureError(
          "WW_ERR_BAD_HEADER",
          `${this.sink.meta.source}: pcap version ${pcap.versionMajor}.${pcap.versionMinor} is not supported (only 2.x exists) and the first record at byte ${base + pos} does not look like a pcap record`,
          4,
        );
      }
      this.checkFirstRecord = false;
    }
    while (!this.done) {
      pos = this.resyncing
        ? this.scan(pos, end, eof, base)
        : this.records(buf, pos, end, eof, base);
      if (this.done || this.neededBytes > 0) break;
    }
    this.consumed = base + pos;
    return pos;
  }

  private readHeader(pos: number): void {
    const view = this.view;
    const meta = this.sink.meta;
    const magic = view.getUint32(pos, true);
    const nanosecond = magic === PCAP_MAGIC_LE_NANO || magic === PCAP_MAGIC_BE_NANO;
    const le = magic === PCAP_MAGIC_LE_MICRO || magic === PCAP_MAGIC_LE_NANO;
    if (!le && magic !== PCAP_MAGIC_BE_MICRO && magic !== PCAP_MAGIC_BE_NANO) {
      throw new CaptureError(
        "WW_ERR_NOT_CAPTURE",
        `${meta.source}: not a pcap file (magic 0x${magic.toString(16)})`,
        0,
      );
    }
    this.littleEndian = le;
    this.unitsPerSec = nanosecond ? 1_000_000_000 : 1_000_000;
    this.nsecPerUnit = nanosecond ? 1 : 1_000;
    const versionMajor = view.getUint16(pos + 4, le);
    const versionMinor = view.getUint16(pos + 6, le);
    const snapLen = view.getUint32(pos + 16, le);
    const linkField = view.getUint32(pos + 20, le);
    const linkType = linkField & LINKTYPE_MASK;
    const byteOrder = le ? "little" : "big";

    meta.format = "pcap";
    meta.pcap = { versionMajor, versionMinor, nanosecond, byteOrder };
    meta.sections.push({
      index: 0,
      byteOrder,
      versionMajor,
      versionMinor,
      offsetBytes: 0,
      comments: [],
    });
    meta.interfaces.push({
      index: 0,
      sectionIndex: 0,
      linkType,
      linkTypeName: linkTypeName(linkType),
      snapLenBytes: snapLen,
      fcsLenBytes:
        linkField & LINKTYPE_FCS_PRESENT ? (linkField >>> LINKTYPE_FCS_SHIFT) * 2 : undefined,
      tsUnitsPerSec: this.unitsPerSec,
      tsOffsetSec: 0,
      comments: [],
    });

    const reserved = linkField & LINKTYPE_RESERVED_BITS;
    if (reserved !== 0) {
      this.sink.warnings.add(
        "linktype-reserved-bits",
        `the link-type field 0x${hex32(linkField)} has reserved bits 0x${hex32(reserved)} set (tshark refuses such files); read as link type ${linkType} (${linkTypeName(linkType)})`,
        20,
      );
    }
    if (versionMajor !== PCAP_MAJOR_VERSION) {
      this.checkFirstRecord = true;
      this.sink.warnings.add(
        "unsupported-version",
        `pcap file header says version ${versionMajor}.${versionMinor} (only 2.x exists; tshark refuses the file); read anyway because its records look like pcap records`,
        4,
      );
    }
    this.snapLenBytes = snapLen === 0 ? Number.POSITIVE_INFINITY : snapLen;
    this.resyncMaxCaplen = Math.min(MAX_PACKET_BYTES, this.snapLenBytes);

    const record = this.sink.record;
    record.interfaceIndex = 0;
    record.linkType = linkType;
    record.hasTimestamp = true;
    record.direction = undefined;
    record.comments = undefined;
    this.headerRead = true;
    this.neededBytes = 0;
  }

  /** The hot loop: whole records from `pos` until the bytes run out or reading stops. */
  private records(buf: Uint8Array, pos: number, end: number, eof: boolean, base: number): number {
    const view = this.view;
    const le = this.littleEndian;
    const sink = this.sink;
    const record = sink.record;
    const units = this.unitsPerSec;
    const nsecPerUnit = this.nsecPerUnit;
    const snapLen = this.snapLenBytes;
    this.neededBytes = 0;
    for (;;) {
      if (end - pos < PCAP_RECORD_HEADER_BYTES) {
        if (eof) {
          if (pos < end) this.truncated(base + pos, end - pos, -1);
          this.done = true;
          return end;
        }
        this.neededBytes = PCAP_RECORD_HEADER_BYTES;
        return pos;
      }
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > MAX_PACKET_BYTES) return this.damaged(pos, base, caplen);
      const next = pos + PCAP_RECORD_HEADER_BYTES + caplen;
      if (next > end) {
        if (eof) {
          this.truncated(base + pos, end - pos, PCAP_RECORD_HEADER_BYTES + caplen);
          this.done = true;
          return end;
        }
        this.neededBytes = PCAP_RECORD_HEADER_BYTES + caplen;
        return pos;
      }
      let sec = view.getUint32(pos, le);
      let fraction = view.getUint32(pos + 4, le);
      if (fraction >= units) {
        const carry = Math.floor(fraction / units);
        sec += carry;
        fraction -= carry * units;
        this.fractionOverflow(base + pos, view.getUint32(pos + 4, le));
      }
      if (caplen > snapLen) this.overSnapLen(base + pos, caplen);
      record.tsSec = sec;
      record.tsNsec = fraction * nsecPerUnit;
      record.originalLenBytes = view.getUint32(pos + 12, le);
      record.bytes = buf;
      record.dataOffset = pos + PCAP_RECORD_HEADER_BYTES;
      record.capturedLenBytes = caplen;
      record.fileOffset = base + pos;
      this.lastSec = sec;
      pos = next;
      if (!sink.deliver()) {
        this.done = true;
        return pos;
      }
    }
  }

  /** A record header claims more than MAX_PACKET_BYTES: start scanning right after its start. */
  private damaged(pos: number, base: number, caplen: number): number {
    this.resyncing = true;
    this.damageOffset = base + pos;
    this.damageCaplen = caplen;
    this.neededBytes = 0;
    return pos + 1;
  }

  /** Resynchronising: look for the next plausible record header, one byte at a time. */
  private scan(pos: number, end: number, eof: boolean, base: number): number {
    this.neededBytes = 0;
    while (end - pos >= PCAP_RECORD_HEADER_BYTES) {
      if (base + pos - this.damageOffset > RESYNC_SCAN_LIMIT_BYTES) {
        this.giveUp(
          `no plausible record header follows in the next ${RESYNC_SCAN_LIMIT_BYTES} bytes`,
        );
        return pos;
      }
      const verdict = this.plausibleAt(pos, end, eof, this.lastSec, false);
      if (verdict === PLAUSIBLE) {
        this.resynchronised(base + pos);
        return pos;
      }
      if (verdict < 0) {
        this.neededBytes = -verdict;
        return pos;
      }
      pos++;
    }
    if (eof) {
      this.giveUp("no plausible record header follows before the end of the file");
      return end;
    }
    this.neededBytes = PCAP_RECORD_HEADER_BYTES;
    return pos;
  }

  /**
   * Whether a record header at `pos` looks real: lengths within limits, a valid fraction, seconds
   * within RESYNC_MAX_TIME_GAP_SEC of `refSec` (when >= 0), and either the file ending right
   * after the record or another such header following it. Returns PLAUSIBLE, IMPLAUSIBLE, or
   * -n when n bytes from `pos` are needed to decide. With `atEnd`, a file that ends at `pos` is
   * plausible (a header-only file).
   */
  private plausibleAt(
    pos: number,
    end: number,
    eof: boolean,
    refSec: number,
    atEnd: boolean,
  ): number {
    if (end - pos < PCAP_RECORD_HEADER_BYTES) {
      if (eof) return atEnd && pos === end ? PLAUSIBLE : IMPLAUSIBLE;
      return -PCAP_RECORD_HEADER_BYTES;
    }
    if (!this.headerLooksReal(pos, refSec)) return IMPLAUSIBLE;
    const next = pos + PCAP_RECORD_HEADER_BYTES + this.view.getUint32(pos + 8, this.littleEndian);
    if (end - next >= PCAP_RECORD_HEADER_BYTES) {
      return this.headerLooksReal(next, this.view.getUint32(pos, this.littleEndian))
        ? PLAUSIBLE
        : IMPLAUSIBLE;
    }
    if (eof) return next === end ? PLAUSIBLE : IMPLAUSIBLE;
    return -(next + PCAP_RECORD_HEADER_BYTES - pos);
  }

  private headerLooksReal(pos: number, refSec: number): boolean {
    const view = this.view;
    const le = this.littleEndian;
    const caplen = view.getUint32(pos + 8, le);
    if (caplen > this.resyncMaxCaplen) return false;
    const original = view.getUint32(pos + 12, le);
    if (original < caplen || original > RESYNC_MAX_ORIGINAL_BYTES) return false;
    if (view.getUint32(pos + 4, le) >= this.unitsPerSec) return false;
    if (refSec >= 0 && Math.abs(view.getUint32(pos, le) - refSec) > RESYNC_MAX_TIME_GAP_SEC) {
      return false;
    }
    return true;
  }

  private damageText(): string {
    return `the record header at byte ${this.damageOffset} claims a ${this.damageCaplen}-byte packet, bigger than the maximum of ${MAX_PACKET_BYTES}`;
  }

  private resynchronised(offset: number): void {
    const skipped = offset - this.damageOffset;
    const warning = this.sink.warnings.add(
      "record-too-large",
      `${this.damageText()}: skipped ${skipped} bytes to the next plausible record header at byte ${offset} and read on`,
      this.damageOffset,
      this.sink.meta.packets + 1,
    );
    warning.skippedBytes = (warning.skippedBytes ?? 0) + skipped;
    this.resyncing = false;
  }

  private giveUp(why: string): void {
    this.sink.warnings.addFinal(
      "record-too-large",
      `${this.damageText()} (a corrupt record header); ${why}: reading stopped after frame ${this.sink.meta.packets}`,
      this.damageOffset,
      this.sink.meta.packets + 1,
    );
    this.resyncing = false;
    this.done = true;
    this.sink.meta.stoppedEarly = true;
  }

  /** `needed` -1: the record header itself is cut. */
  private truncated(offset: number, have: number, needed: number): void {
    const what =
      needed < 0
        ? `inside a record header (${have} of ${PCAP_RECORD_HEADER_BYTES} bytes)`
        : `inside a record (${have} of ${needed} bytes)`;
    this.sink.warnings.addFinal(
      "truncated-record",
      `the file ends ${what}: the capture was cut short; frame ${this.sink.meta.packets + 1} is incomplete and not delivered`,
      offset,
      this.sink.meta.packets + 1,
    );
    this.sink.meta.stoppedEarly = true;
  }

  private fractionOverflow(offset: number, fraction: number): void {
    const unit = this.unitsPerSec === 1_000_000 ? "microseconds" : "nanoseconds";
    this.sink.warnings.add(
      "timestamp-fraction-overflow",
      `a record's fraction of a second is ${fraction} ${unit}, not below ${this.unitsPerSec}; the whole seconds in it were carried into the seconds field`,
      offset,
      this.sink.meta.packets + 1,
    );
  }

  private overSnapLen(offset: number, caplen: number): void {
    this.sink.warnings.add(
      "caplen-exceeds-snaplen",
      `a record holds ${caplen} bytes, more than the file header's snaplen of ${this.snapLenBytes}; read as is`,
      offset,
      this.sink.meta.packets + 1,
    );
  }
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
