/**
 * Test helpers: read a byte array as a capture, through a temporary file (the synchronous path),
 * gzip-compressed (the streaming path), or pushed into the parser core in chunks of chosen sizes,
 * and copy every packet out so results can be compared after the read.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CaptureFeeder } from "../capture-feeder.ts";
import { readCapture } from "../index.ts";
import { createCaptureMeta } from "../packet-record.ts";
import { PacketSink } from "../packet-sink.ts";
import type { CaptureMeta, PacketRecord } from "../types.ts";

export interface PacketCopy {
  frame: number;
  tsSec: number;
  tsNsec: number;
  hasTimestamp: boolean;
  data: Uint8Array;
  originalLenBytes: number;
  interfaceIndex: number;
  linkType: number;
  fileOffset: number;
  direction: PacketRecord["direction"];
  comments: string[] | undefined;
}

export function copyRecord(r: PacketRecord): PacketCopy {
  return {
    frame: r.frame,
    tsSec: r.tsSec,
    tsNsec: r.tsNsec,
    hasTimestamp: r.hasTimestamp,
    data: Uint8Array.from(r.dataView),
    originalLenBytes: r.originalLenBytes,
    interfaceIndex: r.interfaceIndex,
    linkType: r.linkType,
    fileOffset: r.fileOffset,
    direction: r.direction,
    comments: r.comments?.slice(),
  };
}

export interface ReadResult {
  meta: CaptureMeta;
  packets: PacketCopy[];
}

/** Reads `path` and copies every packet. */
export async function readAll(path: string, maxPackets?: number): Promise<ReadResult> {
  const packets: PacketCopy[] = [];
  const meta = await readCapture(path, (r) => void packets.push(copyRecord(r)), { maxPackets });
  return { meta, packets };
}

/** Writes `bytes` (gzip-compressed with `gzip`) to a temporary file and reads it. */
export async function readBytes(
  bytes: Uint8Array,
  options: { gzip?: boolean; maxPackets?: number; name?: string } = {},
): Promise<ReadResult> {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-capture-"));
  const path = join(dir, options.name ?? (options.gzip ? "case.pcap.gz" : "case.pcap"));
  try {
    writeFileSync(path, options.gzip ? gzipSync(bytes) : bytes);
    return await readAll(path, options.maxPackets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes `bytes` into the parser core in chunks whose sizes `nextChunk` picks, starting from a
 * buffer of `bufferBytes`, as the streaming path does.
 */
export function feedInChunks(
  bytes: Uint8Array,
  nextChunk: () => number,
  bufferBytes = 64,
): ReadResult {
  const meta = createCaptureMeta("chunks");
  const packets: PacketCopy[] = [];
  const sink = new PacketSink(meta, (r) => void packets.push(copyRecord(r)), Infinity);
  const feeder = new CaptureFeeder(sink, bufferBytes, "chunks");
  let at = 0;
  while (at < bytes.length && !feeder.done) {
    const n = Math.max(1, Math.min(nextChunk(), bytes.length - at));
    feeder.push(bytes.subarray(at, at + n));
    at += n;
  }
  feeder.end();
  meta.fileBytes = feeder.consumedBytes;
  return { meta, packets };
}
