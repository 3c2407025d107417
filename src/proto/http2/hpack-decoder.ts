/**
 * HPACK header-block decoder (RFC 7541), one per direction of an HTTP/2 connection: the static
 * table, the dynamic table with its size limit and evictions (§4), integers with N-bit prefixes
 * (§5.1), literal and Huffman strings (§5.2) and the five field representations (§6).
 *
 * It keeps only the pseudo-headers wirewhy reports (:method, :path, :authority, :scheme,
 * :status), but decodes every field, because each literal with incremental indexing changes the
 * dynamic table that later blocks refer to. A decoding error leaves the table in an unknown state:
 * the decoder then reports every later block as not decoded (`broken`).
 */
import { latin1Text } from "../latin1.ts";
import { huffmanDecode } from "./hpack-huffman.ts";
import { HPACK_STATIC_TABLE } from "./hpack-static-table.ts";

/** RFC 7541 §4.1: each entry costs its name and value lengths plus 32 octets. */
const ENTRY_OVERHEAD_BYTES = 32;
/** SETTINGS_HEADER_TABLE_SIZE default (RFC 9113 §6.5.2). */
export const DEFAULT_TABLE_BYTES = 4096;
/**
 * Largest table size an encoder may switch to that we follow. The limit is the decoder side's
 * SETTINGS_HEADER_TABLE_SIZE; browsers and servers use 4–64 KiB.
 */
const MAX_TABLE_BYTES = 1 << 20;
/** Longest string kept as text; longer values (cookies) are skipped but still indexed by size. */
const MAX_STRING_CHARS = 8192;

/** The pseudo-header fields of one block. */
export class HpackFields {
  method = "";
  path = "";
  authority = "";
  scheme = "";
  /** 0 when absent. */
  status = 0;
  fieldCount = 0;
  /** Why decoding failed, "" when it did not. */
  error = "";

  reset(): void {
    this.method = "";
    this.path = "";
    this.authority = "";
    this.scheme = "";
    this.status = 0;
    this.fieldCount = 0;
    this.error = "";
  }
}

export class HpackDecoder {
  /** Newest entry first, as indexed (§2.3.3). */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private sizeBytes = 0;
  private maxSizeBytes = DEFAULT_TABLE_BYTES;
  /** A block failed to decode: the dynamic table can no longer be trusted. */
  broken = false;
  /** Reused by decodeString. */
  private pos = 0;

  get tableEntries(): number {
    return this.names.length;
  }

  get tableBytes(): number {
    return this.sizeBytes;
  }

  /** Decodes one complete header block (HEADERS/PUSH_PROMISE + CONTINUATION fragments). */
  decode(bytes: Uint8Array, start: number, end: number, out: HpackFields): boolean {
    out.reset();
    if (this.broken) {
      out.error = "an earlier block failed to decode";
      return false;
    }
    this.pos = start;
    while (this.pos < end) {
      const b = bytes[this.pos];
      let name: string | undefined;
      let value: string | undefined;
      if (b & 0x80) {
        // §6.1 Indexed Header Field.
        const index = this.readInt(bytes, end, 7);
        if (index <= 0) return this.fail(out, "bad index");
        if (!this.lookup(index)) return this.fail(out, `index ${index} not in table`);
        name = this.foundName;
        value = this.foundValue;
      } else if ((b & 0xe0) === 0x20) {
        // §6.3 Dynamic Table Size Update.
        const size = this.readInt(bytes, end, 5);
        if (size < 0 || size > MAX_TABLE_BYTES) return this.fail(out, "bad table size update");
        this.maxSizeBytes = size;
        this.evict(0);
        continue;
      } else {
        // §6.2.1 with incremental indexing (01), §6.2.2 without (0000), §6.2.3 never (0001).
        const indexing = (b & 0xc0) === 0x40;
        const index = this.readInt(bytes, end, indexing ? 6 : 4);
        if (index < 0) return this.fail(out, "truncated field");
        if (index > 0) {
          if (!this.lookup(index)) return this.fail(out, `index ${index} not in table`);
          name = this.foundName;
        } else {
          name = this.readString(bytes, end);
        }
        if (name === undefined) return this.fail(out, "bad name string");
        value = this.readString(bytes, end);
        if (value === undefined) return this.fail(out, "bad value string");
        if (indexing) this.insert(name, value);
      }
      out.fieldCount++;
      if (name.length > 0 && name.charCodeAt(0) === 0x3a) this.keep(name, value, out);
    }
    return true;
  }

  private keep(name: string, value: string, out: HpackFields): void {
    switch (name) {
      case ":method":
        out.method = value;
        break;
      case ":path":
        out.path = value;
        break;
      case ":authority":
        out.authority = value;
        break;
      case ":scheme":
        out.scheme = value;
        break;
      case ":status":
        out.status = Number.parseInt(value, 10) || 0;
        break;
    }
  }

  private fail(out: HpackFields, why: string): false {
    this.broken = true;
    out.error = why;
    return false;
  }

  private foundName = "";
  private foundValue = "";

  private lookup(index: number): boolean {
    if (index < HPACK_STATIC_TABLE.length) {
      this.foundName = HPACK_STATIC_TABLE[index][0];
      this.foundValue = HPACK_STATIC_TABLE[index][1];
      return true;
    }
    const d = index - HPACK_STATIC_TABLE.length;
    if (d >= this.names.length) return false;
    this.foundName = this.names[d];
    this.foundValue = this.values[d];
    return true;
  }

  private insert(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD_BYTES;
    // §4.4: an entry larger than the table empties it and is not added.
    this.evict(size);
    if (size > this.maxSizeBytes) return;
    this.names.unshift(name);
    this.values.unshift(value);
    this.sizeBytes += size;
  }

  /** Evicts oldest entries until `room` more bytes fit (§4.3, §4.4). */
  private evict(room: number): void {
    while (this.names.length > 0 && this.sizeBytes + room > this.maxSizeBytes) {
      const name = this.names.pop() as string;
      const value = this.values.pop() as string;
      this.sizeBytes -= name.length + value.length + ENTRY_OVERHEAD_BYTES;
    }
  }

  /** §5.1 integer with an N-bit prefix at this.pos; -1 when truncated or too large. */
  private readInt(bytes: Uint8Array, end: number, prefixBits: number): number {
    if (this.pos >= end) return -1;
    const max = (1 << prefixBits) - 1;
    let value = bytes[this.pos++] & max;
    if (value < max) return value;
    let shift = 0;
    for (;;) {
      if (this.pos >= end || shift > 28) return -1;
      const b = bytes[this.pos++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
    }
  }

  /**
   * §5.2 string literal at this.pos. Over-long strings are replaced by a placeholder of the same
   * length so the table's size accounting stays exact.
   */
  private readString(bytes: Uint8Array, end: number): string | undefined {
    if (this.pos >= end) return undefined;
    const huffman = (bytes[this.pos] & 0x80) !== 0;
    const len = this.readInt(bytes, end, 7);
    if (len < 0 || this.pos + len > end) return undefined;
    const start = this.pos;
    this.pos += len;
    if (!huffman) {
      if (len > MAX_STRING_CHARS) return "\u0000".repeat(len);
      return latin1Text(bytes, start, start + len, MAX_STRING_CHARS);
    }
    return huffmanDecode(bytes, start, start + len);
  }
}
