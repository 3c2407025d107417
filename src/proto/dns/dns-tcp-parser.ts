/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by a two-byte length.
 * Messages (at most 64 KiB by that length) are buffered whole and handed to the DnsTracker.
 */
import type { StreamConsumer, StreamDir, StreamEndReason } from "../types.ts";
import type { DnsTracker } from "./dns-tracker.ts";

class DnsTcpDirection {
  readonly lengthBytes = new Uint8Array(2);
  lengthHave = 0;
  buf = new Uint8Array(0);
  have = 0;
  need = 0;
  firstFrame = 0;
  firstTimeMs = 0;
  lost = false;
}

export class DnsTcpParser implements StreamConsumer {
  wantsData = true;
  private readonly tracker: DnsTracker;
  /** "address port" of each side: [client, server]. */
  private readonly ends: [string, string];
  private readonly dirs: [DnsTcpDirection, DnsTcpDirection] = [
    new DnsTcpDirection(),
    new DnsTcpDirection(),
  ];

  constructor(tracker: DnsTracker, client: string, server: string) {
    this.tracker = tracker;
    this.ends = [client, server];
  }

  onData(dir: StreamDir, bytes: Uint8Array, _offset: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    if (d.lost) return;
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (d.lengthHave < 2) {
        if (d.lengthHave === 0) {
          d.firstFrame = frame;
          d.firstTimeMs = timeMs;
        }
        d.lengthBytes[d.lengthHave++] = bytes[i++];
        if (d.lengthHave < 2) continue;
        d.need = (d.lengthBytes[0] << 8) | d.lengthBytes[1];
        d.have = 0;
        if (d.buf.length < d.need) d.buf = new Uint8Array(Math.max(512, d.need));
        if (d.need === 0) d.lengthHave = 0;
        continue;
      }
      const take = Math.min(d.need - d.have, n - i);
      // A message whole in this chunk is read in place, without a copy.
      if (d.have === 0 && take === d.need) {
        this.deliver(dir, bytes.subarray(i, i + take), d, frame, timeMs);
        i += take;
        continue;
      }
      d.buf.set(bytes.subarray(i, i + take), d.have);
      d.have += take;
      i += take;
      if (d.have === d.need) this.deliver(dir, d.buf.subarray(0, d.need), d, frame, timeMs);
    }
  }

  private deliver(
    dir: StreamDir,
    message: Uint8Array,
    d: DnsTcpDirection,
    frame: number,
    timeMs: number,
  ): void {
    d.lengthHave = 0;
    d.have = 0;
    const src = this.ends[dir];
    const dst = this.ends[dir === 0 ? 1 : 0];
    // A query's time is when its first byte left; a response's when its last byte arrived.
    if (dir === 0) this.tracker.onMessage("tcp", src, dst, message, d.firstFrame, d.firstTimeMs);
    else this.tracker.onMessage("tcp", src, dst, message, frame, timeMs);
  }

  onGap(dir: StreamDir): void {
    // Length prefixes cannot be found again after a hole.
    this.dirs[dir].lost = true;
  }

  onEnd(_dir: StreamDir, _reason: StreamEndReason): void {}
}
