/**
 * Test helper: the reassembled byte streams of a capture's TCP connections, kept in memory as
 * chunks (direction, bytes) so parsers can be fed them again, mutated, in fuzz tests.
 */
import type { StreamConsumer, StreamDir } from "../types.ts";
import { type CaptureConnection, driveCaptureStreams } from "./capture-protocols.ts";

export interface RecordedChunk {
  dir: StreamDir;
  bytes: Uint8Array;
}

class Recorder implements StreamConsumer {
  readonly wantsData = true;
  readonly chunks: RecordedChunk[] = [];
  onData(dir: StreamDir, bytes: Uint8Array): void {
    this.chunks.push({ dir, bytes: bytes.slice() });
  }
  onGap(): void {}
  onEnd(): void {}
}

/** Streams of each TCP connection of `path` that carried data, as the reassembler delivered them. */
export async function recordStreams(path: string): Promise<RecordedChunk[][]> {
  const recorders: Recorder[] = [];
  const connections: CaptureConnection[] = [];
  await driveCaptureStreams(
    path,
    () => {
      const r = new Recorder();
      recorders.push(r);
      return r;
    },
    () => {},
    connections,
  );
  return recorders.map((r) => r.chunks).filter((c) => c.length > 0);
}
