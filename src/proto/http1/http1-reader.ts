/**
 * Incremental reader of one direction of an HTTP/1.x connection: the requests of the client, or
 * the responses of the server. Bytes are fed as the reassembler delivers them; the reader keeps
 * only a bounded head buffer (when a head spans segments) and counts body bytes without keeping
 * them.
 *
 * States follow RFC 9112: start line and fields up to the empty line (§2.1), then the body by
 * Content-Length, chunked coding (§7.1) or connection close (§6.3), then the next message
 * (keep-alive and pipelining, §9.3). After a gap or a malformed head the reader resynchronises at
 * the next line that looks like a start line.
 */
import { startsWithAscii } from "../latin1.ts";
import type { StreamDir } from "../types.ts";
import { HttpHead, isTokenChar, parseHttpHead } from "./http1-head.ts";
import { type HttpBodyFraming, type HttpMessage, newHttpMessage } from "./http1-message.ts";

/**
 * Longest head (start line + fields) accepted before the reader calls it hostile and
 * resynchronises: 64 KiB, four times Node's default --max-http-header-size (16 KiB) and far above
 * Apache's 8 KiB per field line, so no head a real server accepts is cut.
 */
export const MAX_HEAD_BYTES = 64 * 1024;

/** Longest chunk-size line (size + extensions). RFC 9112 §7.1.1 sets no limit; servers use ~4 KiB. */
export const MAX_CHUNK_LINE_BYTES = 4096;

export const ReaderState = {
  START: 0,
  HEAD: 1,
  BODY_LENGTH: 2,
  CHUNK_SIZE: 3,
  CHUNK_DATA: 4,
  CHUNK_DATA_END: 5,
  TRAILER: 6,
  BODY_CLOSE: 7,
  RESYNC: 8,
  /** After a request that asked to switch protocols (Upgrade, CONNECT): waiting for the verdict. */
  AWAIT_SWITCH: 9,
  /** The bytes from here on belong to another protocol. */
  SWITCHED: 10,
  ENDED: 11,
} as const;
export type ReaderState = (typeof ReaderState)[keyof typeof ReaderState];

/** What the connection-level parser decides for the reader. */
export interface Http1ReaderHost {
  /** The head is parsed: fill the pairing fields of `message` and say how the body is framed. */
  onHead(reader: Http1Reader, head: HttpHead, message: HttpMessage): HttpBodyFraming;
  /** A message ended (complete or cut). */
  onMessage(reader: Http1Reader, message: HttpMessage): void;
  /** In AWAIT_SWITCH, bytes arrived: set reader.state to START or SWITCHED. */
  resolveSwitch(reader: Http1Reader, bytes: Uint8Array, at: number): void;
  anomaly(
    reader: Http1Reader,
    name: string,
    offsetBytes: number,
    frame: number,
    timeMs: number,
    detail: string,
  ): void;
}

const METHODS = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT "];

export class Http1Reader {
  readonly dir: StreamDir;
  readonly isRequest: boolean;
  state: ReaderState = ReaderState.START;
  /** Set by the host in onHead: after this message, wait for the protocol-switch verdict. */
  switchPending = false;
  /** Messages begun in this direction. */
  count = 0;
  resyncCount = 0;
  resyncSkippedBytes = 0;
  private readonly host: Http1ReaderHost;
  private readonly head = new HttpHead();
  private message: HttpMessage | undefined;
  private headBuf: Uint8Array = new Uint8Array(0);
  private headLen = 0;
  /** Bytes of the current line seen in earlier chunks, and the last byte seen. */
  private lineBytes = 0;
  private lastByte = 0;
  private remaining = 0;
  private chunkSize = 0;
  private chunkDigits = 0;
  private chunkInExtension = false;
  private chunkLineBytes = 0;
  private trailerBytes = 0;
  private atLineStart = true;
  private resyncFrom = 0;

  constructor(dir: StreamDir, host: Http1ReaderHost) {
    this.dir = dir;
    this.isRequest = dir === 0;
    this.host = host;
  }

  /** True when a message has begun but not ended. */
  get inMessage(): boolean {
    return this.message !== undefined;
  }

  /**
   * Consumes bytes; returns how many belong to HTTP/1 (fewer than bytes.length only when the
   * connection switched protocols inside this chunk).
   */
  feed(bytes: Uint8Array, offset: number, frame: number, timeMs: number): number {
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case ReaderState.START: {
          const b = bytes[i];
          // RFC 9112 §2.2: a recipient SHOULD ignore at least one empty line before a request line.
          if (b === 0x0d || b === 0x0a) {
            i++;
            break;
          }
          this.begin(offset + i, frame, timeMs);
          i = this.readHead(bytes, i, i, offset, frame, timeMs);
          break;
        }
        case ReaderState.HEAD:
          i = this.readHead(bytes, i, i, offset, frame, timeMs);
          break;
        case ReaderState.BODY_LENGTH:
        case ReaderState.CHUNK_DATA: {
          const take = Math.min(this.remaining, n - i);
          this.body(take, offset + i + take, frame, timeMs);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            if (this.state === ReaderState.BODY_LENGTH) this.finish(true);
            else this.state = ReaderState.CHUNK_DATA_END;
          }
          break;
        }
        case ReaderState.CHUNK_SIZE:
          i = this.readChunkSize(bytes, i, offset, frame, timeMs);
          break;
        case ReaderState.CHUNK_DATA_END: {
          const b = bytes[i];
          if (b === 0x0d || b === 0x0a) {
            i++;
            this.body(1, offset + i, frame, timeMs);
            if (b === 0x0a) this.startChunkLine();
          } else {
            this.host.anomaly(
              this,
              "http-bad-chunk",
              offset + i,
              frame,
              timeMs,
              "no CRLF after chunk data",
            );
            this.startChunkLine();
          }
          break;
        }
        case ReaderState.TRAILER:
          i = this.readTrailer(bytes, i, offset, frame, timeMs);
          break;
        case ReaderState.BODY_CLOSE:
          this.body(n - i, offset + n, frame, timeMs);
          i = n;
          break;
        case ReaderState.RESYNC:
          i = this.resync(bytes, i, offset, frame, timeMs);
          break;
        case ReaderState.AWAIT_SWITCH:
          this.host.resolveSwitch(this, bytes, i);
          if (this.state === ReaderState.AWAIT_SWITCH) this.state = ReaderState.START;
          break;
        case ReaderState.SWITCHED:
          return i;
        default:
          return n;
      }
    }
    return n;
  }

  /** Whether countBody(len, ...) would take the bytes (it reads none of them). */
  countsBody(len: number): boolean {
    if (len <= 0) return false;
    const state = this.state;
    if (state === ReaderState.BODY_CLOSE) return true;
    return (
      (state === ReaderState.BODY_LENGTH || state === ReaderState.CHUNK_DATA) &&
      this.remaining >= len
    );
  }

  /**
   * feed() for `len` bytes at `offset` when they are all body the reader only counts (a body by
   * Content-Length or chunk data with at least `len` bytes to go, or a close-delimited body).
   * Returns false, consuming nothing, when the bytes themselves are needed: call feed().
   */
  countBody(len: number, offset: number, frame: number, timeMs: number): boolean {
    if (len <= 0) return false;
    const state = this.state;
    if (state === ReaderState.BODY_CLOSE) {
      this.body(len, offset + len, frame, timeMs);
      return true;
    }
    if (state !== ReaderState.BODY_LENGTH && state !== ReaderState.CHUNK_DATA) return false;
    if (this.remaining < len) return false;
    // As feed() does with these bytes.
    this.body(len, offset + len, frame, timeMs);
    this.remaining -= len;
    if (this.remaining === 0) {
      if (state === ReaderState.BODY_LENGTH) this.finish(true);
      else this.state = ReaderState.CHUNK_DATA_END;
    }
    return true;
  }

  /** Bytes [offset, offset+len) were never captured. */
  gap(offset: number, len: number, frame: number, timeMs: number): void {
    const m = this.message;
    switch (this.state) {
      case ReaderState.BODY_LENGTH:
        if (m !== undefined) {
          const inBody = Math.min(len, this.remaining);
          m.bodyBytes += inBody;
          m.bodyGapBytes += inBody;
          m.endOffsetBytes = offset + inBody;
          m.lastFrame = frame;
          m.lastTimeMs = timeMs;
          this.remaining -= inBody;
          if (this.remaining === 0) this.finish(true);
          if (inBody < len) this.enterResync(offset + inBody, true);
        }
        return;
      case ReaderState.BODY_CLOSE:
        if (m !== undefined) {
          m.bodyBytes += len;
          m.bodyGapBytes += len;
          m.endOffsetBytes = offset + len;
        }
        return;
      case ReaderState.HEAD:
        this.host.anomaly(
          this,
          "http-gap-in-header",
          offset,
          frame,
          timeMs,
          `${len} bytes missing`,
        );
        this.message = undefined;
        this.enterResync(offset + len, true);
        return;
      case ReaderState.CHUNK_SIZE:
      case ReaderState.CHUNK_DATA:
      case ReaderState.CHUNK_DATA_END:
      case ReaderState.TRAILER:
        this.host.anomaly(
          this,
          "http-gap-in-chunked-body",
          offset,
          frame,
          timeMs,
          `${len} bytes missing`,
        );
        if (m !== undefined) {
          m.bodyGapBytes += len;
          m.bodyBytes += len;
        }
        this.finish(false);
        this.enterResync(offset + len, true);
        return;
      case ReaderState.START:
      case ReaderState.RESYNC:
        this.enterResync(offset + len, true);
        return;
      default:
        return;
    }
  }

  /** The direction ended. A close-delimited body ends here; anything else still open was cut. */
  end(reason: string, offset: number, frame: number, timeMs: number): void {
    const m = this.message;
    if (this.state === ReaderState.BODY_CLOSE && m !== undefined) {
      this.finish(true);
    } else if (this.state === ReaderState.HEAD) {
      this.host.anomaly(this, "http-message-cut", offset, frame, timeMs, `head cut by ${reason}`);
      this.message = undefined;
    } else if (m !== undefined) {
      this.host.anomaly(this, "http-message-cut", offset, frame, timeMs, `body cut by ${reason}`);
      this.finish(false);
    }
    if (this.state !== ReaderState.SWITCHED) this.state = ReaderState.ENDED;
  }

  private begin(offset: number, frame: number, timeMs: number): void {
    const m = newHttpMessage(this.isRequest ? "request" : "response", this.dir);
    m.index = this.count++;
    m.startOffsetBytes = offset;
    m.endOffsetBytes = offset;
    m.firstFrame = frame;
    m.firstTimeMs = timeMs;
    m.lastFrame = frame;
    m.lastTimeMs = timeMs;
    this.message = m;
    this.state = ReaderState.HEAD;
    this.headLen = 0;
    this.lineBytes = 0;
    this.lastByte = 0;
  }

  /** Scans for the empty line that ends the head; segStart is where this chunk's head bytes begin. */
  private readHead(
    bytes: Uint8Array,
    from: number,
    segStart: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    const n = bytes.length;
    let j = from;
    for (;;) {
      const lf = bytes.indexOf(0x0a, j);
      if (lf < 0) {
        this.lineBytes += n - j;
        if (n > j) this.lastByte = bytes[n - 1];
        if (!this.keepHead(bytes, segStart, n, offset, frame, timeMs)) return n;
        const m = this.message;
        if (m !== undefined) {
          m.lastFrame = frame;
          m.lastTimeMs = timeMs;
        }
        return n;
      }
      const len = this.lineBytes + (lf - j);
      const prev = lf > j ? bytes[lf - 1] : this.lastByte;
      this.lineBytes = 0;
      this.lastByte = 0x0a;
      if (len === 0 || (len === 1 && prev === 0x0d)) {
        return this.headComplete(bytes, segStart, lf + 1, offset, frame, timeMs);
      }
      j = lf + 1;
      if (this.headLen + (j - segStart) > MAX_HEAD_BYTES) {
        this.tooLarge(offset + j, frame, timeMs);
        return j;
      }
    }
  }

  /** Appends head bytes spanning chunks to the bounded buffer; false when the limit is passed. */
  private keepHead(
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): boolean {
    const add = end - start;
    if (this.headLen + add > MAX_HEAD_BYTES) {
      this.tooLarge(offset + end, frame, timeMs);
      this.atLineStart = false;
      return false;
    }
    if (this.headBuf.length < this.headLen + add) {
      const grown = new Uint8Array(
        Math.min(MAX_HEAD_BYTES, Math.max(1024, (this.headLen + add) * 2)),
      );
      grown.set(this.headBuf.subarray(0, this.headLen));
      this.headBuf = grown;
    }
    this.headBuf.set(bytes.subarray(start, end), this.headLen);
    this.headLen += add;
    return true;
  }

  private tooLarge(offset: number, frame: number, timeMs: number): void {
    this.host.anomaly(
      this,
      "http-header-too-large",
      this.message?.startOffsetBytes ?? offset,
      frame,
      timeMs,
      `head longer than ${MAX_HEAD_BYTES} bytes`,
    );
    this.message = undefined;
    this.headLen = 0;
    this.enterResync(offset, true);
  }

  private headComplete(
    bytes: Uint8Array,
    segStart: number,
    end: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    const m = this.message;
    if (m === undefined) return end;
    const head = this.head;
    let headBytes: number;
    if (this.headLen === 0) {
      headBytes = end - segStart;
      parseHttpHead(bytes, segStart, end, this.isRequest, head);
    } else {
      if (!this.keepHead(bytes, segStart, end, offset, frame, timeMs)) return end;
      headBytes = this.headLen;
      parseHttpHead(this.headBuf, 0, this.headLen, this.isRequest, head);
      this.headLen = 0;
      // Don't keep a large buffer for a connection that once had a large head.
      if (this.headBuf.length > 4096) this.headBuf = new Uint8Array(0);
    }
    m.headerBytes = headBytes;
    m.endOffsetBytes = offset + end;
    m.headEndFrame = frame;
    m.headEndTimeMs = timeMs;
    m.lastFrame = frame;
    m.lastTimeMs = timeMs;
    if (head.problem !== "") {
      this.host.anomaly(
        this,
        head.problem,
        m.startOffsetBytes,
        m.firstFrame,
        m.firstTimeMs,
        head.problemDetail,
      );
      this.message = undefined;
      this.count--;
      this.enterResync(offset + end, true);
      return end;
    }
    m.version = head.version;
    m.method = head.method;
    m.target = head.target;
    m.host = head.host;
    m.status = head.status;
    m.reason = head.reason;
    m.upgrade = head.upgrade;
    m.connectionClose = head.connectionClose;
    m.expectContinue = head.expectContinue;
    m.headerCount = head.headerCount;
    m.contentLength = head.contentLengthInvalid ? -1 : head.contentLength;
    const framing = this.host.onHead(this, head, m);
    m.framing = framing;
    switch (framing) {
      case "content-length":
        this.remaining = head.contentLength;
        if (this.remaining === 0) this.finish(true);
        else this.state = ReaderState.BODY_LENGTH;
        break;
      case "chunked":
        this.startChunkLine();
        break;
      case "close":
        this.state = ReaderState.BODY_CLOSE;
        break;
      case "switch":
        this.finish(true);
        this.state = ReaderState.SWITCHED;
        break;
      default:
        this.finish(true);
    }
    return end;
  }

  private startChunkLine(): void {
    this.state = ReaderState.CHUNK_SIZE;
    this.chunkSize = 0;
    this.chunkDigits = 0;
    this.chunkInExtension = false;
    this.chunkLineBytes = 0;
  }

  /** chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1). */
  private readChunkSize(
    bytes: Uint8Array,
    from: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    const n = bytes.length;
    let i = from;
    while (i < n) {
      const b = bytes[i++];
      this.chunkLineBytes++;
      if (b === 0x0a) {
        this.body(i - from, offset + i, frame, timeMs);
        if (this.chunkDigits === 0) {
          this.badChunk(offset + i, frame, timeMs, "empty chunk size");
          return i;
        }
        if (this.chunkSize === 0) {
          this.state = ReaderState.TRAILER;
          this.lineBytes = 0;
          this.lastByte = 0;
          this.trailerBytes = 0;
        } else {
          this.state = ReaderState.CHUNK_DATA;
          this.remaining = this.chunkSize;
        }
        return i;
      }
      if (this.chunkLineBytes > MAX_CHUNK_LINE_BYTES) {
        this.body(i - from, offset + i, frame, timeMs);
        this.badChunk(offset + i, frame, timeMs, "chunk-size line too long");
        return i;
      }
      if (this.chunkInExtension || b === 0x0d) continue;
      const digit =
        b >= 0x30 && b <= 0x39
          ? b - 0x30
          : b >= 0x61 && b <= 0x66
            ? b - 87
            : b >= 0x41 && b <= 0x46
              ? b - 55
              : -1;
      if (digit >= 0) {
        // 13 hex digits reach 2^52: beyond, the count would lose precision.
        if (++this.chunkDigits > 13) {
          this.body(i - from, offset + i, frame, timeMs);
          this.badChunk(offset + i, frame, timeMs, "chunk size too large");
          return i;
        }
        this.chunkSize = this.chunkSize * 16 + digit;
      } else if (b === 0x3b || b === 0x20 || b === 0x09) {
        this.chunkInExtension = true;
      } else {
        this.body(i - from, offset + i, frame, timeMs);
        this.badChunk(offset + i, frame, timeMs, "chunk size is not hexadecimal");
        return i;
      }
    }
    this.body(i - from, offset + i, frame, timeMs);
    return i;
  }

  private badChunk(offset: number, frame: number, timeMs: number, detail: string): void {
    this.host.anomaly(this, "http-bad-chunk", offset, frame, timeMs, detail);
    this.finish(false);
    this.enterResync(offset, false);
  }

  /** trailer-section CRLF (RFC 9112 §7.1.2): lines until an empty one. */
  private readTrailer(
    bytes: Uint8Array,
    from: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    const n = bytes.length;
    let j = from;
    for (;;) {
      const lf = bytes.indexOf(0x0a, j);
      if (lf < 0) {
        this.lineBytes += n - j;
        if (n > j) this.lastByte = bytes[n - 1];
        this.trailerBytes += n - from;
        this.body(n - from, offset + n, frame, timeMs);
        if (this.trailerBytes > MAX_HEAD_BYTES) {
          this.host.anomaly(
            this,
            "http-header-too-large",
            offset + n,
            frame,
            timeMs,
            "trailer section",
          );
          this.finish(false);
          this.enterResync(offset + n, false);
        }
        return n;
      }
      const len = this.lineBytes + (lf - j);
      const prev = lf > j ? bytes[lf - 1] : this.lastByte;
      this.lineBytes = 0;
      this.lastByte = 0x0a;
      j = lf + 1;
      if (len === 0 || (len === 1 && prev === 0x0d)) {
        this.body(j - from, offset + j, frame, timeMs);
        this.finish(true);
        return j;
      }
    }
  }

  private body(len: number, endOffset: number, frame: number, timeMs: number): void {
    const m = this.message;
    if (m === undefined || len <= 0) return;
    if (m.bodyFirstFrame < 0) {
      m.bodyFirstFrame = frame;
      m.bodyFirstTimeMs = timeMs;
    }
    m.bodyBytes += len;
    m.endOffsetBytes = endOffset;
    m.lastFrame = frame;
    m.lastTimeMs = timeMs;
  }

  private finish(complete: boolean): void {
    const m = this.message;
    this.message = undefined;
    this.state = this.switchPending ? ReaderState.AWAIT_SWITCH : ReaderState.START;
    this.switchPending = false;
    if (m === undefined) return;
    m.complete = complete;
    this.host.onMessage(this, m);
  }

  private enterResync(offset: number, atLineStart: boolean): void {
    this.state = ReaderState.RESYNC;
    this.atLineStart = atLineStart;
    this.resyncFrom = offset;
    this.resyncCount++;
  }

  /** Skips to the next line that starts like a message of this direction. */
  private resync(
    bytes: Uint8Array,
    from: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    const n = bytes.length;
    let i = from;
    while (i < n) {
      if (this.atLineStart && this.looksLikeStart(bytes, i)) {
        const skipped = offset + i - this.resyncFrom;
        this.resyncSkippedBytes += skipped;
        if (skipped > 0) {
          this.host.anomaly(
            this,
            "http-resync",
            offset + i,
            frame,
            timeMs,
            `skipped ${skipped} bytes`,
          );
        }
        this.state = ReaderState.START;
        return i;
      }
      const lf = bytes.indexOf(0x0a, i);
      if (lf < 0) {
        this.atLineStart = false;
        return n;
      }
      i = lf + 1;
      this.atLineStart = true;
    }
    return n;
  }

  private looksLikeStart(bytes: Uint8Array, at: number): boolean {
    if (!this.isRequest) return startsWithAscii(bytes, at, "HTTP/1.");
    for (const method of METHODS) if (startsWithAscii(bytes, at, method)) return true;
    // Any other token followed by " /" and a plausible target also counts (WebDAV, custom).
    let i = at;
    while (i < bytes.length && i - at < 20 && isTokenChar(bytes[i])) i++;
    return i > at && i + 1 < bytes.length && bytes[i] === 0x20 && bytes[i + 1] === 0x2f;
  }
}
