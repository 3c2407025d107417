/**
 * The buffer between an input (a file read synchronously, or a stream) and the parser core. The
 * input writes into `buffer[filled..]` and commits; the feeder detects the format from the first
 * bytes, runs the parser over everything buffered, and moves the unconsumed tail (a partial
 * record) to the front. The buffer grows only when one record is larger than all of it, and then
 * once, to fit: parsers never ask for more than their length limits allow.
 */
import { detectFormat, MAGIC_BYTES } from "./detect-format.ts";
import type { PacketSink } from "./packet-sink.ts";
import { PcapParser } from "./pcap.ts";
import { PcapngParser } from "./pcapng.ts";
import type { RecordParser } from "./record-parser.ts";
import { CaptureError } from "./types.ts";

/** Growth is rounded up to this, so a file of slowly growing records does not grow it each time. */
const GROWTH_STEP_BYTES = 64 * 1024;

export class CaptureFeeder {
  buffer: Uint8Array;
  /** Bytes of `buffer` holding unconsumed input, from index 0. */
  filled = 0;
  /** All bytes committed so far (uncompressed). */
  totalBytes = 0;
  private parser: RecordParser | undefined;

  constructor(
    private readonly sink: PacketSink,
    /** The initial buffer (its whole length is used), or its size in bytes. */
    initial: Uint8Array | number,
    /** How the input is named in messages: the path, or "standard input". */
    private readonly inputName: string,
  ) {
    this.buffer = typeof initial === "number" ? new Uint8Array(initial) : initial;
  }

  /** Reading is over: the parser stopped (damage, the callback, the packet limit). */
  get done(): boolean {
    return this.parser?.done === true;
  }

  /** Bytes the parser has consumed: what CaptureMeta.fileBytes reports. */
  get consumedBytes(): number {
    return this.totalBytes - this.filled;
  }

  /** After the input wrote `n` bytes at `buffer[filled]`. */
  commit(n: number): void {
    this.filled += n;
    this.totalBytes += n;
    this.run(false);
  }

  /** Copies a chunk from a stream in, parsing as the buffer fills. */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length && !this.done) {
      const n = Math.min(this.buffer.length - this.filled, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + n), this.filled);
      offset += n;
      this.commit(n);
    }
  }

  /** The input has no more bytes. */
  end(): void {
    if (!this.done) this.run(true);
  }

  private run(eof: boolean): void {
    if (this.parser === undefined) {
      if (this.filled < MAGIC_BYTES && !eof) return;
      this.parser = this.createParser();
    }
    const parser = this.parser;
    const used = parser.feed(this.buffer, 0, this.filled, eof);
    if (used > 0) {
      if (used < this.filled) this.buffer.copyWithin(0, used, this.filled);
      this.filled -= used;
    }
    if (parser.done || eof) return;
    if (parser.neededBytes > this.buffer.length) {
      this.grow(parser.neededBytes);
    } else if (this.filled === this.buffer.length) {
      throw new CaptureError(
        "WW_ERR_INTERNAL",
        `${this.inputName}: the parser made no progress on a full ${this.buffer.length}-byte buffer (needs ${parser.neededBytes})`,
        this.consumedBytes,
      );
    }
  }

  private grow(neededBytes: number): void {
    const size = Math.ceil(neededBytes / GROWTH_STEP_BYTES) * GROWTH_STEP_BYTES;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.filled));
    this.buffer = grown;
  }

  private createParser(): RecordParser {
    const head = this.buffer.subarray(0, this.filled);
    const format = detectFormat(head);
    if (format.kind === "pcap") return new PcapParser(this.sink);
    if (format.kind === "pcapng") return new PcapngParser(this.sink);
    if (this.filled === 0) {
      throw new CaptureError("WW_ERR_EMPTY", `${this.inputName} is empty (0 bytes)`, 0);
    }
    throw new CaptureError(
      "WW_ERR_NOT_CAPTURE",
      `${this.inputName} is not a pcap or pcapng capture: it is ${format.description}`,
      0,
    );
  }
}
