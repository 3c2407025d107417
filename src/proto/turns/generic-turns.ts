/**
 * Request/response turns for any protocol the parsers do not know: Redis, Postgres, SMTP, a custom
 * RPC. The client speaks, the server answers: each run of bytes in one direction is a turn, with
 * the frames and times of its first and last bytes. Nothing is buffered.
 */
import type { ProtoSink, StreamConsumer, StreamDir, StreamEndReason } from "../types.ts";
import { TurnTracker } from "./turn-tracker.ts";

export class GenericTurnParser implements StreamConsumer {
  readonly wantsData = true;
  private readonly turns: TurnTracker;
  private readonly ended = [false, false];

  constructor(sink: ProtoSink) {
    this.turns = new TurnTracker(sink, "generic");
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    this.turns.add(dir, bytes.length, offset, frame, timeMs, frame, timeMs);
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    this.turns.gap(dir, len, offset, frame, timeMs);
  }

  onEnd(
    dir: StreamDir,
    _reason: StreamEndReason,
    _offset: number,
    _frame: number,
    _timeMs: number,
  ): void {
    this.ended[dir] = true;
    if (this.ended[0] && this.ended[1]) this.turns.flush();
  }
}
