/**
 * The fast path: a plain (uncompressed, regular) file read with readSync into one reused buffer,
 * no streams, no promises, no chunk objects. See FILE_BUFFER_BYTES for the measurements behind
 * the buffer size.
 */
import { readSync } from "node:fs";
import { CaptureFeeder } from "./capture-feeder.ts";
import { returnFileBuffer, takeFileBuffer } from "./file-buffer-pool.ts";
import { FILE_BUFFER_BYTES, MIN_BUFFER_BYTES } from "./limits.ts";
import type { PacketSink } from "./packet-sink.ts";
import { CaptureError } from "./types.ts";

/** Reads the open file `fd` of `sizeBytes` bytes (from its start) through the parser core. */
export function readFileSyncPath(
  fd: number,
  sizeBytes: number,
  path: string,
  sink: PacketSink,
): CaptureFeeder {
  // A buffer one byte larger than a small file reads it whole and sees the end in the next read.
  const bufferBytes = Math.min(FILE_BUFFER_BYTES, Math.max(MIN_BUFFER_BYTES, sizeBytes + 1));
  const feeder = new CaptureFeeder(sink, takeFileBuffer(bufferBytes), path);
  try {
    readAll(fd, path, sink, feeder);
  } finally {
    returnFileBuffer(feeder.buffer);
  }
  return feeder;
}

function readAll(fd: number, path: string, sink: PacketSink, feeder: CaptureFeeder): void {
  for (;;) {
    const buffer = feeder.buffer;
    let n: number;
    try {
      n = readSync(fd, buffer, feeder.filled, buffer.length - feeder.filled, null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (feeder.totalBytes === 0) {
        throw new CaptureError("WW_ERR_FILE", `cannot read ${path}: ${message}`);
      }
      sink.warnings.addFinal(
        "read-error",
        `reading failed after ${feeder.totalBytes} bytes: ${message}; reading stopped after frame ${sink.meta.packets}`,
        feeder.totalBytes,
        sink.meta.packets + 1,
      );
      sink.meta.stoppedEarly = true;
      return;
    }
    if (n === 0) {
      feeder.end();
      return;
    }
    feeder.commit(n);
    if (feeder.done) return;
  }
}
