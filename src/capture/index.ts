/**
 * Reading captures: pcap and pcapng, plain or gzip-compressed, from a file or standard input.
 *
 *   const meta = await readCapture("trace.pcapng", (record, meta) => { ... });
 *
 * The callback gets one reused PacketRecord whose `dataView` is a view into the read buffer, valid
 * only during the call. Returning false stops reading. Damage part-way keeps every packet before
 * it and adds a warning to meta.warnings; only input that cannot be read at all throws a
 * CaptureError, whose `code` is stable.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import type { Readable } from "node:stream";
import type { CaptureFeeder } from "./capture-feeder.ts";
import { STREAM_CHUNK_BYTES } from "./limits.ts";
import { createCaptureMeta } from "./packet-record.ts";
import { PacketSink } from "./packet-sink.ts";
import { readFileSyncPath } from "./read-file.ts";
import { readStreamPath } from "./read-stream.ts";
import { CaptureError, type CaptureMeta, type PacketCallback } from "./types.ts";

export { type DetectedFormat, detectFormat } from "./detect-format.ts";
export { isRawIpLinkType, linkTypeName } from "./linktypes.ts";

export interface ReadCaptureOptions {
  /** Stop after this many packets (tcpdump's -c). */
  maxPackets?: number;
}

/** The source that means standard input. */
export const STDIN_SOURCE = "-";

export async function readCapture(
  source: string,
  onPacket: PacketCallback,
  options: ReadCaptureOptions = {},
): Promise<CaptureMeta> {
  const meta = createCaptureMeta(source);
  const sink = new PacketSink(meta, onPacket, options.maxPackets ?? Number.POSITIVE_INFINITY);
  let feeder: CaptureFeeder;
  try {
    feeder =
      source === STDIN_SOURCE
        ? await readStreamPath(process.stdin, "standard input", sink)
        : await readPath(source, sink);
  } catch (error) {
    throw asCaptureError(error, sink, source);
  }
  meta.fileBytes = feeder.consumedBytes;
  return meta;
}

/**
 * Reads a capture from any byte stream (a child's stdout, a socket): the live-capture path,
 * `tcpdump -U --immediate-mode -w -`. `name` stands for the stream in messages and meta.source.
 * The stream is consumed and destroyed.
 */
export async function readCaptureStream(
  stream: Readable,
  name: string,
  onPacket: PacketCallback,
  options: ReadCaptureOptions = {},
): Promise<CaptureMeta> {
  const meta = createCaptureMeta(name);
  const sink = new PacketSink(meta, onPacket, options.maxPackets ?? Number.POSITIVE_INFINITY);
  let feeder: CaptureFeeder;
  try {
    feeder = await readStreamPath(stream, name, sink);
  } catch (error) {
    throw asCaptureError(error, sink, name);
  }
  meta.fileBytes = feeder.consumedBytes;
  return meta;
}

/** The caller's own exceptions pass through; anything else unexpected is a reader bug. */
function asCaptureError(error: unknown, sink: PacketSink, source: string): unknown {
  if (error instanceof CaptureError || sink.inCallback) return error;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new CaptureError("WW_ERR_INTERNAL", `${source}: reader failure: ${detail}`);
}

async function readPath(path: string, sink: PacketSink): Promise<CaptureFeeder> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new CaptureError("WW_ERR_FILE", `cannot open ${path}: ${reason(error)}`);
  }
  let closed = false;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      throw new CaptureError("WW_ERR_FILE", `cannot read ${path}: it is a directory`);
    }
    if (stat.isFile()) {
      const head = new Uint8Array(2);
      const n = readSync(fd, head, 0, 2, 0);
      if (n === 0) throw new CaptureError("WW_ERR_EMPTY", `${path} is empty (0 bytes)`, 0);
      if (!(n === 2 && head[0] === 0x1f && head[1] === 0x8b)) {
        return readFileSyncPath(fd, stat.size, path, sink);
      }
    }
    // gzip, or a FIFO / character device: stream it from the same descriptor (reopening a FIFO
    // would lose what its writer already wrote). The stream closes it.
    const stream = createReadStream(path, {
      fd,
      start: stat.isFile() ? 0 : undefined,
      highWaterMark: STREAM_CHUNK_BYTES,
      autoClose: true,
    });
    closed = true;
    return await readStreamPath(stream, path, sink);
  } catch (error) {
    if (error instanceof CaptureError || sink.inCallback) throw error;
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
      throw new CaptureError("WW_ERR_FILE", `cannot read ${path}: ${reason(error)}`);
    }
    throw error;
  } finally {
    if (!closed) closeSync(fd);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
