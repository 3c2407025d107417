/**
 * HTTP/2 over cleartext TCP (h2c): prior knowledge (the client preface "PRI * HTTP/2.0…",
 * RFC 9113 §3.3) or an HTTP/1.1 Upgrade (RFC 7540 §3.2). Reads the frame layer (§4.1) of both
 * directions, follows streams (§5.1) and reports per stream the request and response edges
 * (HEADERS, DATA, END_STREAM, RST_STREAM) with frames and times, and the pseudo-headers decoded
 * with HPACK.
 *
 * Memory: DATA payload is only counted. Header blocks are buffered (bounded) until END_HEADERS,
 * control frames up to a small size; at most MAX_TRACKED_STREAMS streams are open at once.
 */
import type { HttpMessage } from "../http1/http1-message.ts";
import type { ProtoSink, StreamConsumer, StreamDir, StreamEndReason } from "../types.ts";
import { HpackDecoder, HpackFields } from "./hpack-decoder.ts";
import {
  type Http2ConnectionMessage,
  type Http2StreamMessage,
  http2ErrorName,
  newHttp2Stream,
} from "./http2-message.ts";

/** The client connection preface (RFC 9113 §3.4). */
const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const FRAME_HEADER_BYTES = 9;

export const FrameType = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;

const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/**
 * Largest header block buffered for HPACK. Servers cap header lists near this (nginx
 * http2_max_header_size 16 KiB, Go's http2 MaxHeaderListSize 10 MiB but 1 MiB in practice);
 * a larger block is counted, not decoded, and makes the table untrustworthy.
 */
export const MAX_HEADER_BLOCK_BYTES = 64 * 1024;
/** Control-frame payload kept (RST_STREAM 4, GOAWAY 8 + debug data, SETTINGS 6 per entry). */
const MAX_CONTROL_BYTES = 256;
/**
 * Streams tracked at once. SETTINGS_MAX_CONCURRENT_STREAMS is commonly 100–250 (nginx 128, Go
 * 250); beyond this a hostile or broken peer is opening streams without closing them.
 */
export const MAX_TRACKED_STREAMS = 1024;

const State = { PREFACE: 0, HEADER: 1, PAYLOAD: 2, STOPPED: 3 } as const;
type State = (typeof State)[keyof typeof State];

class Http2Direction {
  state: State = State.HEADER;
  prefaceMatched = 0;
  readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  headerLen = 0;
  type = 0;
  flags = 0;
  streamId = 0;
  lengthBytes = 0;
  remaining = 0;
  frameFirstFrame = 0;
  frameFirstTimeMs = 0;
  /** Payload of the current HEADERS/PUSH_PROMISE/CONTINUATION or control frame. */
  payload = new Uint8Array(0);
  payloadLen = 0;
  payloadTooLarge = false;
  /** Header block being assembled across HEADERS + CONTINUATION. */
  block = new Uint8Array(0);
  blockLen = 0;
  blockTooLarge = false;
  blockStreamId = 0;
  blockPromisedId = 0;
  blockIsPush = false;
  blockGap = false;
  readonly hpack = new HpackDecoder();
  readonly framesByType = new Array<number>(11).fill(0);
}

export interface Http2Options {
  /** Bytes of the client preface already consumed by the HTTP/1 parser. */
  prefaceBytesSeen?: number;
  /** The HTTP/1.1 request that upgraded to h2c: it becomes stream 1 (RFC 7540 §3.2). */
  upgradeRequest?: HttpMessage;
}

export class Http2Parser implements StreamConsumer {
  wantsData = true;
  private readonly sink: ProtoSink;
  private readonly dirs: [Http2Direction, Http2Direction] = [
    new Http2Direction(),
    new Http2Direction(),
  ];
  private readonly streams = new Map<number, Http2StreamMessage>();
  private readonly fields = new HpackFields();
  private readonly connection: Http2ConnectionMessage;
  private readonly ended = [false, false];
  /** Highest stream id opened by each side: a lower id not in `streams` is closed (§5.1.1). */
  private readonly maxStreamId = [0, 0];

  constructor(sink: ProtoSink, options: Http2Options = {}) {
    this.sink = sink;
    const client = this.dirs[0];
    client.state = State.PREFACE;
    client.prefaceMatched = options.prefaceBytesSeen ?? 0;
    const upgraded = options.upgradeRequest !== undefined;
    this.connection = {
      protocol: "http2",
      kind: "connection",
      upgraded,
      framesByType: [this.dirs[0].framesByType, this.dirs[1].framesByType],
      streams: 0,
      goawayBy: -1,
      goawayLastStreamId: 0,
      goawayCode: 0,
      goawayName: "",
      goawayFrame: -1,
      headersDecoded: true,
      framingLost: false,
    };
    const r = options.upgradeRequest;
    if (r !== undefined) {
      // The upgrade request is stream 1, half-closed (local) once sent.
      const s = newHttp2Stream(1);
      s.upgraded = true;
      s.method = r.method;
      s.path = r.target;
      s.authority = r.host;
      s.scheme = "http";
      s.requestHeaderBytes = r.headerBytes;
      s.requestDataBytes = r.bodyBytes;
      s.requestFirstFrame = r.firstFrame;
      s.requestFirstTimeMs = r.firstTimeMs;
      s.requestEndFrame = r.lastFrame;
      s.requestEndTimeMs = r.lastTimeMs;
      this.streams.set(1, s);
      this.connection.streams++;
      this.maxStreamId[0] = 1;
    }
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      switch (d.state) {
        case State.PREFACE: {
          while (i < n && d.prefaceMatched < PREFACE.length) {
            if (bytes[i] !== PREFACE.charCodeAt(d.prefaceMatched)) {
              this.stop(
                dir,
                "http2-bad-preface",
                offset + i,
                frame,
                timeMs,
                "client preface mismatch",
              );
              return;
            }
            i++;
            d.prefaceMatched++;
          }
          if (d.prefaceMatched === PREFACE.length) d.state = State.HEADER;
          break;
        }
        case State.HEADER: {
          if (d.headerLen === 0) {
            d.frameFirstFrame = frame;
            d.frameFirstTimeMs = timeMs;
          }
          while (i < n && d.headerLen < FRAME_HEADER_BYTES) d.header[d.headerLen++] = bytes[i++];
          if (d.headerLen === FRAME_HEADER_BYTES) this.beginFrame(dir, d, frame, timeMs);
          break;
        }
        case State.PAYLOAD: {
          const take = Math.min(d.remaining, n - i);
          this.payload(dir, d, bytes, i, take, frame, timeMs);
          i += take;
          d.remaining -= take;
          if (d.remaining === 0) this.endFrame(dir, d, frame, timeMs);
          break;
        }
        default:
          return;
      }
    }
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    if (d.state === State.PAYLOAD && len <= d.remaining) {
      // The frame boundaries are still known: only this frame's content is lost.
      d.remaining -= len;
      if (
        d.type === FrameType.HEADERS ||
        d.type === FrameType.CONTINUATION ||
        d.type === FrameType.PUSH_PROMISE
      ) {
        d.blockGap = true;
        d.payloadTooLarge = true;
      } else if (d.type !== FrameType.DATA) {
        d.payloadTooLarge = true;
      } else {
        this.countData(dir, d, len, frame, timeMs);
      }
      this.sink.anomaly({
        name: "http2-gap-in-frame",
        dir,
        offsetBytes: offset,
        frame,
        timeMs,
        detail: `${len} bytes missing`,
      });
      if (d.remaining === 0) this.endFrame(dir, d, frame, timeMs);
      return;
    }
    if (d.state !== State.STOPPED) {
      this.stop(dir, "http2-gap-lost-framing", offset, frame, timeMs, `${len} bytes missing`);
    }
  }

  onEnd(
    dir: StreamDir,
    _reason: StreamEndReason,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    if (this.ended[dir]) return;
    this.ended[dir] = true;
    const d = this.dirs[dir];
    if (d.state === State.PAYLOAD || (d.state === State.HEADER && d.headerLen > 0)) {
      this.sink.anomaly({
        name: "http2-frame-cut",
        dir,
        offsetBytes: offset,
        frame,
        timeMs,
        detail: "stream ended inside a frame",
      });
    }
    d.state = State.STOPPED;
    if (this.ended[0] && this.ended[1]) {
      for (const s of this.streams.values()) this.sink.message(s);
      this.streams.clear();
      this.connection.headersDecoded = !this.dirs[0].hpack.broken && !this.dirs[1].hpack.broken;
      this.sink.message(this.connection);
    }
  }

  private stop(
    dir: StreamDir,
    name: string,
    offset: number,
    frame: number,
    timeMs: number,
    detail: string,
  ): void {
    this.dirs[dir].state = State.STOPPED;
    this.connection.framingLost = true;
    this.sink.anomaly({ name, dir, offsetBytes: offset, frame, timeMs, detail });
  }

  private beginFrame(dir: StreamDir, d: Http2Direction, frame: number, timeMs: number): void {
    const h = d.header;
    d.headerLen = 0;
    d.lengthBytes = (h[0] << 16) | (h[1] << 8) | h[2];
    d.type = h[3];
    d.flags = h[4];
    d.streamId = ((h[5] & 0x7f) << 24) | (h[6] << 16) | (h[7] << 8) | h[8];
    d.remaining = d.lengthBytes;
    d.payloadLen = 0;
    d.payloadTooLarge = false;
    d.framesByType[Math.min(d.type, 10)]++;
    if (d.type === FrameType.CONTINUATION && d.blockLen === 0 && !d.blockTooLarge && !d.blockGap) {
      this.sink.anomaly({
        name: "http2-unexpected-continuation",
        dir,
        offsetBytes: -1,
        frame,
        timeMs,
        detail: `stream ${d.streamId}`,
      });
    }
    if (d.type === FrameType.HEADERS && d.streamId !== 0)
      this.headersStart(dir, d.streamId, frame, timeMs, d);
    if (d.remaining === 0) {
      d.state = State.HEADER;
      this.endFrame(dir, d, frame, timeMs);
    } else {
      d.state = State.PAYLOAD;
    }
  }

  private payload(
    dir: StreamDir,
    d: Http2Direction,
    bytes: Uint8Array,
    at: number,
    len: number,
    frame: number,
    timeMs: number,
  ): void {
    switch (d.type) {
      case FrameType.DATA:
        this.countData(dir, d, len, frame, timeMs);
        return;
      case FrameType.HEADERS:
      case FrameType.CONTINUATION:
      case FrameType.PUSH_PROMISE:
        this.keep(d, bytes, at, len, MAX_HEADER_BLOCK_BYTES);
        return;
      case FrameType.RST_STREAM:
      case FrameType.GOAWAY:
      case FrameType.SETTINGS:
        this.keep(d, bytes, at, len, MAX_CONTROL_BYTES);
        return;
      default:
        return;
    }
  }

  private keep(d: Http2Direction, bytes: Uint8Array, at: number, len: number, max: number): void {
    if (d.payloadTooLarge) return;
    if (d.payloadLen + len > max) {
      d.payloadTooLarge = true;
      return;
    }
    if (d.payload.length < d.payloadLen + len) {
      const grown = new Uint8Array(Math.min(max, Math.max(256, (d.payloadLen + len) * 2)));
      grown.set(d.payload.subarray(0, d.payloadLen));
      d.payload = grown;
    }
    d.payload.set(bytes.subarray(at, at + len), d.payloadLen);
    d.payloadLen += len;
  }

  private countData(
    dir: StreamDir,
    d: Http2Direction,
    len: number,
    frame: number,
    timeMs: number,
  ): void {
    const s = this.streams.get(d.streamId);
    if (s === undefined) return;
    if (dir === 0) s.requestDataBytes += len;
    else {
      if (s.responseDataFirstFrame < 0) {
        s.responseDataFirstFrame = frame;
        s.responseDataFirstTimeMs = timeMs;
      }
      s.responseDataBytes += len;
    }
  }

  private stream(
    id: number,
    frame: number,
    timeMs: number,
    dir: StreamDir,
  ): Http2StreamMessage | undefined {
    let s = this.streams.get(id);
    if (s !== undefined) return s;
    // Odd ids are the client's, even the server's (RFC 9113 §5.1.1). An id at or below the
    // highest one its initiator opened belongs to a closed stream (e.g. frames still in flight
    // after RST_STREAM): nothing to open.
    const initiator = id % 2 === 1 ? 0 : 1;
    if (id <= this.maxStreamId[initiator]) return undefined;
    this.maxStreamId[initiator] = id;
    if (this.streams.size >= MAX_TRACKED_STREAMS) {
      this.sink.anomaly({
        name: "http2-too-many-streams",
        dir,
        offsetBytes: -1,
        frame,
        timeMs,
        detail: `stream ${id}`,
      });
      return undefined;
    }
    s = newHttp2Stream(id);
    this.streams.set(id, s);
    this.connection.streams++;
    return s;
  }

  private headersStart(
    dir: StreamDir,
    id: number,
    frame: number,
    timeMs: number,
    d: Http2Direction,
  ): void {
    const s = this.stream(id, frame, timeMs, dir);
    if (s === undefined) return;
    const clientSide = (dir === 0) !== s.pushed;
    if (clientSide && dir === 0) {
      if (s.requestFirstFrame < 0) {
        s.requestFirstFrame = d.frameFirstFrame;
        s.requestFirstTimeMs = d.frameFirstTimeMs;
      }
    } else if (dir === 1 && s.responseFirstFrame < 0) {
      s.responseFirstFrame = d.frameFirstFrame;
      s.responseFirstTimeMs = d.frameFirstTimeMs;
    }
  }

  private endFrame(dir: StreamDir, d: Http2Direction, frame: number, timeMs: number): void {
    d.state = State.HEADER;
    const p = d.payload;
    switch (d.type) {
      case FrameType.HEADERS:
      case FrameType.PUSH_PROMISE: {
        if (d.streamId === 0) break;
        this.headerFragment(d, true);
        const s = this.streams.get(d.streamId);
        if (s !== undefined) {
          if (dir === 0) s.requestHeaderBytes += d.lengthBytes + FRAME_HEADER_BYTES;
          else if (d.type === FrameType.HEADERS)
            s.responseHeaderBytes += d.lengthBytes + FRAME_HEADER_BYTES;
        }
        if (d.flags & FLAG_END_HEADERS) this.headerBlockDone(dir, d, frame, timeMs);
        if (d.type === FrameType.HEADERS && d.flags & FLAG_END_STREAM)
          this.endStream(dir, d.streamId, frame, timeMs);
        break;
      }
      case FrameType.CONTINUATION: {
        this.headerFragment(d, false);
        const s = this.streams.get(d.streamId);
        if (s !== undefined) {
          if (dir === 0) s.requestHeaderBytes += d.lengthBytes + FRAME_HEADER_BYTES;
          else s.responseHeaderBytes += d.lengthBytes + FRAME_HEADER_BYTES;
        }
        if (d.flags & FLAG_END_HEADERS) this.headerBlockDone(dir, d, frame, timeMs);
        break;
      }
      case FrameType.DATA:
        if (d.flags & FLAG_END_STREAM) this.endStream(dir, d.streamId, frame, timeMs);
        break;
      case FrameType.RST_STREAM: {
        const s = this.streams.get(d.streamId);
        if (s !== undefined && d.payloadLen >= 4 && !d.payloadTooLarge) {
          s.resetBy = dir;
          s.resetCode = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
          s.resetName = http2ErrorName(s.resetCode);
          s.resetFrame = frame;
          this.close(s);
        }
        break;
      }
      case FrameType.GOAWAY:
        if (d.payloadLen >= 8) {
          const c = this.connection;
          c.goawayBy = dir;
          c.goawayLastStreamId = ((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
          c.goawayCode = ((p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7]) >>> 0;
          c.goawayName = http2ErrorName(c.goawayCode);
          c.goawayFrame = frame;
        }
        break;
      default:
        break;
    }
  }

  /** Appends this frame's header-block fragment (without padding and priority) to the block. */
  private headerFragment(d: Http2Direction, first: boolean): void {
    if (first) {
      d.blockLen = 0;
      d.blockTooLarge = false;
      d.blockGap = false;
      d.blockStreamId = d.streamId;
      d.blockIsPush = d.type === FrameType.PUSH_PROMISE;
      d.blockPromisedId = 0;
    }
    if (d.payloadTooLarge) {
      d.blockTooLarge = true;
      return;
    }
    const p = d.payload;
    let start = 0;
    let end = d.payloadLen;
    if (first) {
      if (d.flags & FLAG_PADDED) {
        if (end < 1) {
          d.blockTooLarge = true;
          return;
        }
        end -= p[0];
        start = 1;
      }
      if (d.type === FrameType.HEADERS && d.flags & FLAG_PRIORITY) start += 5;
      if (d.type === FrameType.PUSH_PROMISE) {
        if (start + 4 > end) {
          d.blockTooLarge = true;
          return;
        }
        d.blockPromisedId =
          ((p[start] & 0x7f) << 24) | (p[start + 1] << 16) | (p[start + 2] << 8) | p[start + 3];
        start += 4;
      }
      if (start > end) {
        d.blockTooLarge = true;
        return;
      }
    }
    const len = end - start;
    if (d.blockLen + len > MAX_HEADER_BLOCK_BYTES) {
      d.blockTooLarge = true;
      return;
    }
    if (d.block.length < d.blockLen + len) {
      const grown = new Uint8Array(
        Math.min(MAX_HEADER_BLOCK_BYTES, Math.max(256, (d.blockLen + len) * 2)),
      );
      grown.set(d.block.subarray(0, d.blockLen));
      d.block = grown;
    }
    d.block.set(p.subarray(start, end), d.blockLen);
    d.blockLen += len;
  }

  private headerBlockDone(dir: StreamDir, d: Http2Direction, frame: number, timeMs: number): void {
    const f = this.fields;
    let ok = false;
    if (d.blockTooLarge || d.blockGap) {
      // The block's insertions into the dynamic table are unknown from here on.
      d.hpack.broken = true;
      f.reset();
    } else {
      ok = d.hpack.decode(d.block, 0, d.blockLen, f);
      if (!ok) {
        this.sink.anomaly({
          name: "http2-hpack-error",
          dir,
          offsetBytes: -1,
          frame,
          timeMs,
          detail: f.error,
        });
      }
    }
    d.blockLen = 0;
    if (d.block.length > 4096) d.block = new Uint8Array(0);
    if (d.payload.length > 4096) d.payload = new Uint8Array(0);
    let s: Http2StreamMessage | undefined;
    if (d.blockIsPush) {
      s = this.stream(d.blockPromisedId, frame, timeMs, dir);
      if (s !== undefined) {
        s.pushed = true;
        s.requestFirstFrame = d.frameFirstFrame;
        s.requestFirstTimeMs = d.frameFirstTimeMs;
        s.requestEndFrame = frame;
        s.requestEndTimeMs = timeMs;
      }
    } else {
      s = this.streams.get(d.blockStreamId);
    }
    if (s === undefined) return;
    if (!ok) {
      s.headersDecoded = false;
      return;
    }
    if (dir === 0 || d.blockIsPush) {
      if (f.method !== "") s.method = f.method;
      if (f.path !== "") s.path = f.path;
      if (f.authority !== "") s.authority = f.authority;
      if (f.scheme !== "") s.scheme = f.scheme;
    } else if (f.status >= 100 && f.status < 200) {
      s.informationalCount++;
    } else if (f.status !== 0) {
      s.status = f.status;
    }
  }

  private endStream(dir: StreamDir, id: number, frame: number, timeMs: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    const fromRequester = (dir === 0) !== s.pushed;
    if (fromRequester && !s.pushed) {
      s.requestEndFrame = frame;
      s.requestEndTimeMs = timeMs;
    } else if (dir === 1) {
      s.responseEndFrame = frame;
      s.responseEndTimeMs = timeMs;
    }
    if (s.requestEndFrame >= 0 && s.responseEndFrame >= 0) {
      s.complete = true;
      this.close(s);
    }
  }

  private close(s: Http2StreamMessage): void {
    if (s.resetBy !== -1) s.complete = true;
    this.streams.delete(s.streamId);
    this.sink.message(s);
  }
}
