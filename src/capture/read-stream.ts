/**
 * The streaming path, for everything that is not a plain regular file: gzip-compressed captures
 * (detected by content, magic 1f 8b, whatever the name), standard input and pipes. Chunks are
 * copied into the feeder's buffer and parsed as they arrive, so a live `tcpdump -U -w -` shows
 * each packet as soon as tcpdump writes it.
 */
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CaptureFeeder } from "./capture-feeder.ts";
import { STREAM_BUFFER_BYTES, STREAM_CHUNK_BYTES } from "./limits.ts";
import type { PacketSink } from "./packet-sink.ts";
import { CaptureError } from "./types.ts";

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export async function readStreamPath(
  raw: Readable,
  inputName: string,
  sink: PacketSink,
): Promise<CaptureFeeder> {
  const feeder = new CaptureFeeder(sink, STREAM_BUFFER_BYTES, inputName);
  try {
    try {
      const source = await decompressedChunks(raw, sink);
      for await (const chunk of source) {
        feeder.push(chunk);
        if (feeder.done) break;
      }
    } catch (error) {
      if (error instanceof CaptureError || sink.inCallback) throw error;
      inputFailed(error, inputName, sink, feeder);
      return feeder;
    }
    feeder.end();
    return feeder;
  } finally {
    raw.destroy();
  }
}

/** The raw chunks, or gunzip's output when the first two bytes are the gzip magic. */
async function decompressedChunks(
  raw: Readable,
  sink: PacketSink,
): Promise<AsyncIterable<Uint8Array>> {
  const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const gzip = byteAt(head, 0) === GZIP_MAGIC_0 && byteAt(head, 1) === GZIP_MAGIC_1;
  if (!gzip) return all();
  sink.meta.compression = "gzip";
  const gunzip = createGunzip({ chunkSize: STREAM_CHUNK_BYTES });
  // Errors of either side surface through the iteration of gunzip.
  pipeline(Readable.from(all(), { objectMode: false }), gunzip, () => {});
  return gunzip;
}

/** A read or decompression error part-way: keep what was read, say why it ended. */
function inputFailed(error: unknown, inputName: string, sink: PacketSink, feeder: CaptureFeeder) {
  const message = error instanceof Error ? error.message : String(error);
  const zlib =
    typeof (error as { code?: unknown })?.code === "string" &&
    (error as { code: string }).code.startsWith("Z_");
  if (feeder.totalBytes === 0) {
    throw zlib
      ? new CaptureError(
          "WW_ERR_NOT_CAPTURE",
          `${inputName} starts like gzip-compressed data but does not decompress: ${message}`,
          0,
        )
      : new CaptureError("WW_ERR_FILE", `cannot read ${inputName}: ${message}`);
  }
  const cut = /unexpected end of file/i.test(message);
  sink.warnings.addFinal(
    zlib ? "gzip-error" : "read-error",
    zlib
      ? cut
        ? `the gzip stream ends early (${message}) after ${feeder.totalBytes} decompressed bytes: the compressed file was cut short`
        : `decompression failed after ${feeder.totalBytes} decompressed bytes: ${message}`
      : `reading failed after ${feeder.totalBytes} bytes: ${message}`,
    feeder.totalBytes,
    sink.meta.packets + 1,
  );
  sink.meta.stoppedEarly = true;
  // What arrived before the failure is still parsed; a record it cut is reported as such.
  feeder.end();
}

function byteAt(chunks: Uint8Array[], index: number): number {
  let i = index;
  for (const c of chunks) {
    if (i < c.length) return c[i];
    i -= c.length;
  }
  return -1;
}
