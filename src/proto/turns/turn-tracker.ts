/**
 * Groups data into turns by direction changes: the current turn grows while the same side sends,
 * and is reported when the other side sends (a request answered) or the stream ends.
 */
import type { ProtoSink, StreamDir } from "../types.ts";
import type { TurnMessage } from "./turn-message.ts";

export class TurnTracker {
  private readonly sink: ProtoSink;
  private readonly protocol: TurnMessage["protocol"];
  private current: TurnMessage | undefined;
  /** Turns reported so far. */
  count = 0;

  constructor(sink: ProtoSink, protocol: TurnMessage["protocol"]) {
    this.sink = sink;
    this.protocol = protocol;
  }

  /** Adds a unit of `lenBytes` from `dir`, first byte at (firstFrame, firstTimeMs). */
  add(
    dir: StreamDir,
    lenBytes: number,
    startOffsetBytes: number,
    firstFrame: number,
    firstTimeMs: number,
    lastFrame: number,
    lastTimeMs: number,
  ): void {
    let t = this.current;
    if (t !== undefined && t.dir !== dir) {
      t.answered = true;
      this.flush();
      t = undefined;
    }
    if (t === undefined) {
      t = {
        protocol: this.protocol,
        kind: "turn",
        dir,
        index: this.count++,
        bytes: 0,
        gapBytes: 0,
        units: 0,
        startOffsetBytes,
        endOffsetBytes: startOffsetBytes,
        firstFrame,
        firstTimeMs,
        lastFrame,
        lastTimeMs,
        answered: false,
      };
      this.current = t;
    }
    t.bytes += lenBytes;
    t.units++;
    t.endOffsetBytes = startOffsetBytes + lenBytes;
    t.lastFrame = lastFrame;
    t.lastTimeMs = lastTimeMs;
  }

  /** Bytes of `dir` never captured: they belong to the current turn if it is that side's. */
  gap(
    dir: StreamDir,
    lenBytes: number,
    startOffsetBytes: number,
    frame: number,
    timeMs: number,
  ): void {
    this.add(dir, lenBytes, startOffsetBytes, frame, timeMs, frame, timeMs);
    const t = this.current;
    if (t !== undefined) {
      t.gapBytes += lenBytes;
      t.units--;
    }
  }

  /** Reports the current turn, if any. */
  flush(): void {
    const t = this.current;
    this.current = undefined;
    if (t !== undefined) this.sink.message(t);
  }
}
