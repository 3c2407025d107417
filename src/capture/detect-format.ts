/**
 * What the first bytes of an input are. Capture formats are recognised by their magic numbers;
 * anything else gets a description of what it looks like (text, HTML, an executable, another
 * capture format wirewhy does not read), so "not a capture" says what it is instead.
 */
import {
  PCAP_MAGIC_BE_MICRO,
  PCAP_MAGIC_BE_NANO,
  PCAP_MAGIC_LE_MICRO,
  PCAP_MAGIC_LE_NANO,
} from "./pcap.ts";
import { BLOCK_SHB } from "./pcapng.ts";
import type { ByteOrder } from "./types.ts";

export type DetectedFormat =
  | { kind: "pcap"; byteOrder: ByteOrder; nanosecond: boolean; description: string }
  | { kind: "pcapng"; description: string }
  | { kind: "gzip"; description: string }
  | { kind: "other"; description: string };

/** Bytes detectFormat looks at; fewer is fine (a short input is described as such). */
export const DETECT_BYTES = 512;
/** Bytes needed before a capture format can be told apart (pcap and pcapng magics are 4). */
export const MAGIC_BYTES = 4;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** libpcap's "modified" format of Alexey Kuznetzov's patches (24-byte record headers). */
const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

interface Signature {
  /** Bytes at offset 0 (a string is its ASCII/Latin-1 bytes). */
  magic: string | number[];
  offset?: number;
  what: string;
}

/** Formats that are not pcap/pcapng but are recognisable, with advice where there is one. */
const SIGNATURES: Signature[] = [
  { magic: "snoop\0\0\0", what: "a Solaris snoop capture (convert it: editcap -F pcap IN OUT)" },
  {
    magic: "GMBU",
    what: "a Microsoft Network Monitor 2.x capture (convert it: editcap -F pcap IN OUT)",
  },
  {
    magic: "RTSS",
    what: "a Microsoft Network Monitor 1.x capture (convert it: editcap -F pcap IN OUT)",
  },
  {
    magic: "XCP\0",
    what: "a NetXRay / Windows Sniffer capture (convert it: editcap -F pcap IN OUT)",
  },
  { magic: "TRSNIFF data", what: "a Sniffer (DOS) capture (convert it: editcap -F pcap IN OUT)" },
  { magic: "btsnoop\0", what: "a Bluetooth btsnoop capture" },
  { magic: "iptrace ", what: "an AIX iptrace capture (convert it: editcap -F pcap IN OUT)" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: "zstd-compressed data (decompress it first: zstd -d)" },
  { magic: [0x04, 0x22, 0x4d, 0x18], what: "LZ4-compressed data (decompress it first: lz4 -d)" },
  { magic: "BZh", what: "bzip2-compressed data (decompress it first: bunzip2)" },
  {
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: "xz-compressed data (decompress it first: unxz)",
  },
  { magic: "PK\x03\x04", what: "a ZIP archive (extract the capture first)" },
  { magic: "7z\xbc\xaf\x27\x1c", what: "a 7-Zip archive (extract the capture first)" },
  { magic: "ustar", offset: 257, what: "a tar archive (extract the capture first)" },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: "an ELF executable or library" },
  { magic: "MZ", what: "a Windows executable" },
  { magic: [0xcf, 0xfa, 0xed, 0xfe], what: "a Mach-O executable" },
  { magic: [0xca, 0xfe, 0xba, 0xbe], what: "a Mach-O universal binary or Java class file" },
  { magic: "%PDF", what: "a PDF document" },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: "a PNG image" },
  { magic: [0xff, 0xd8, 0xff], what: "a JPEG image" },
  { magic: "GIF8", what: "a GIF image" },
  { magic: "SQLite format 3\0", what: "an SQLite database" },
];

export function detectFormat(firstBytes: Uint8Array): DetectedFormat {
  const b = firstBytes;
  if (b.length === 0) return { kind: "other", description: "empty (0 bytes)" };
  if (b.length >= 2 && b[0] === GZIP_MAGIC_0 && b[1] === GZIP_MAGIC_1) {
    return { kind: "gzip", description: "gzip-compressed data" };
  }
  if (b.length >= MAGIC_BYTES) {
    const le = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    if (le === PCAP_MAGIC_LE_MICRO || le === PCAP_MAGIC_LE_NANO) {
      const nanosecond = le === PCAP_MAGIC_LE_NANO;
      return {
        kind: "pcap",
        byteOrder: "little",
        nanosecond,
        description: `pcap (little-endian, ${nanosecond ? "nanosecond" : "microsecond"} timestamps)`,
      };
    }
    if (le === PCAP_MAGIC_BE_MICRO || le === PCAP_MAGIC_BE_NANO) {
      const nanosecond = le === PCAP_MAGIC_BE_NANO;
      return {
        kind: "pcap",
        byteOrder: "big",
        nanosecond,
        description: `pcap (big-endian, ${nanosecond ? "nanosecond" : "microsecond"} timestamps)`,
      };
    }
    if (le === BLOCK_SHB) return { kind: "pcapng", description: "pcapng" };
    const be = (b[3] | (b[2] << 8) | (b[1] << 16) | (b[0] << 24)) >>> 0;
    if (le === PCAP_MAGIC_MODIFIED || be === PCAP_MAGIC_MODIFIED) {
      return {
        kind: "other",
        description:
          'a "modified" (Kuznetzov) libpcap capture, which wirewhy does not read (convert it: editcap -F pcap IN OUT)',
      };
    }
  }
  for (const sig of SIGNATURES) {
    if (matches(b, sig)) return { kind: "other", description: `${sig.what}${firstBytesText(b)}` };
  }
  const text = textPreview(b);
  if (text !== undefined) return { kind: "other", description: describeText(text) };
  if (b.length < MAGIC_BYTES) {
    return { kind: "other", description: `only ${b.length} byte(s) long${firstBytesText(b)}` };
  }
  return { kind: "other", description: `binary data of no known format${firstBytesText(b)}` };
}

function matches(b: Uint8Array, sig: Signature): boolean {
  const at = sig.offset ?? 0;
  const m = sig.magic;
  const n = m.length;
  if (b.length < at + n) return false;
  for (let i = 0; i < n; i++) {
    const want = typeof m === "string" ? m.charCodeAt(i) : m[i];
    if (b[at + i] !== want) return false;
  }
  return true;
}

function firstBytesText(b: Uint8Array): string {
  const hex = Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join(" ");
  return ` (first bytes ${hex})`;
}

/**
 * The start of `b` as text when it is text: valid UTF-8 (a sequence cut at the end is allowed),
 * no NUL, and nearly only printable characters.
 */
function textPreview(b: Uint8Array): string | undefined {
  let end = Math.min(b.length, DETECT_BYTES);
  let text: string | undefined;
  // Drop up to 3 bytes of a multi-byte sequence cut by the preview's end.
  for (let cut = 0; cut < 4 && end - cut > 0; cut++) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(0, end - cut));
      end -= cut;
      break;
    } catch {
      // try a shorter prefix
    }
  }
  if (text === undefined || text.length === 0) return undefined;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return undefined;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++;
  }
  return control * 20 <= text.length ? text : undefined;
}

function describeText(text: string): string {
  const trimmed = text.replace(/^\ufeff/, "").trimStart();
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? "";
  const quote = JSON.stringify(firstLine.length > 48 ? `${firstLine.slice(0, 48)}…` : firstLine);
  const lower = trimmed.slice(0, 64).toLowerCase();
  if (lower.startsWith("<!doctype html") || lower.startsWith("<html")) {
    return `an HTML document, not a capture (was a web page saved instead of the file?): ${quote}`;
  }
  if (lower.startsWith("<?xml")) return `an XML document: ${quote}`;
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return `JSON or similar text: ${quote}`;
  if (trimmed.startsWith("#!")) return `a script: ${quote}`;
  if (
    /^(\d{2}:\d{2}:\d{2}\.\d{6}|\d{9,10}\.\d{6}) /.test(trimmed) ||
    lower.startsWith("reading from file")
  ) {
    return `tcpdump's text output, not a capture (write one with tcpdump -w FILE): ${quote}`;
  }
  if (/^\s*\d+\s+\d+\.\d+\s/.test(text)) {
    return `tshark's text output, not a capture (write one with tshark -w FILE): ${quote}`;
  }
  if (/^0{4,8}[ :]/.test(trimmed)) {
    return `a hex dump (text2pcap can turn it into a capture): ${quote}`;
  }
  return `text: ${quote}`;
}
