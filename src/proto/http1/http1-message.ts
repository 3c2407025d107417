/**
 * One HTTP/1.x message as the parser reports it: what it was, how many bytes its head and body
 * took on the wire, and where (frames, times) its first and last bytes were seen.
 */
import type { StreamDir } from "../types.ts";

/** How the end of the body is found (RFC 9112 §6.3). */
export type HttpBodyFraming =
  /** no body: HEAD, 1xx, 204, 304, or a request without Content-Length/Transfer-Encoding */
  | "none"
  | "content-length"
  | "chunked"
  /** the response body ends when the server closes the connection */
  | "close"
  /** CONNECT 2xx or 101 Switching Protocols: the bytes after the head are another protocol */
  | "switch";

export interface HttpMessage {
  protocol: "http1";
  kind: "request" | "response";
  dir: StreamDir;
  /** 0-based position among the messages of its direction, 1xx responses included. */
  index: number;
  version: string;
  /** Request only ("" in a response). */
  method: string;
  target: string;
  host: string;
  /** Response only (0 / "" in a request). */
  status: number;
  reason: string;
  /** 1xx: an interim response; the final response to the same request follows (RFC 9110 §15.2). */
  informational: boolean;
  /**
   * For a response: the index of the request it answers (FIFO per connection, RFC 9112 §9.3.2),
   * -1 when that request was not seen (capture started mid-connection, or it was in a gap).
   */
  requestIndex: number;
  /** For a response, the method of that request ("" when unknown). */
  requestMethod: string;
  framing: HttpBodyFraming;
  /** Content-Length, -1 when absent or invalid. */
  contentLength: number;
  /** Upgrade header value ("websocket", "h2c", ...), "" when absent. */
  upgrade: string;
  connectionClose: boolean;
  expectContinue: boolean;
  headerCount: number;
  /** Start line, fields and the empty line. */
  headerBytes: number;
  /** Body bytes on the wire, chunk framing included; bodyGapBytes of them were never captured. */
  bodyBytes: number;
  bodyGapBytes: number;
  /** Stream offsets of the first byte and one past the last byte. */
  startOffsetBytes: number;
  endOffsetBytes: number;
  firstFrame: number;
  firstTimeMs: number;
  /** The segment that completed the head. */
  headEndFrame: number;
  headEndTimeMs: number;
  /** First body byte; -1 when there is no body. */
  bodyFirstFrame: number;
  bodyFirstTimeMs: number;
  lastFrame: number;
  lastTimeMs: number;
  /** False when the message was cut: by a gap, by the end of the stream, or by a bad head. */
  complete: boolean;
}

export function newHttpMessage(kind: "request" | "response", dir: StreamDir): HttpMessage {
  return {
    protocol: "http1",
    kind,
    dir,
    index: 0,
    version: "",
    method: "",
    target: "",
    host: "",
    status: 0,
    reason: "",
    informational: false,
    requestIndex: -1,
    requestMethod: "",
    framing: "none",
    contentLength: -1,
    upgrade: "",
    connectionClose: false,
    expectContinue: false,
    headerCount: 0,
    headerBytes: 0,
    bodyBytes: 0,
    bodyGapBytes: 0,
    startOffsetBytes: 0,
    endOffsetBytes: 0,
    firstFrame: 0,
    firstTimeMs: 0,
    headEndFrame: 0,
    headEndTimeMs: 0,
    bodyFirstFrame: -1,
    bodyFirstTimeMs: 0,
    lastFrame: 0,
    lastTimeMs: 0,
    complete: false,
  };
}
