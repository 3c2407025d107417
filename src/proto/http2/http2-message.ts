/** What the HTTP/2 parser reports: one record per stream, one per connection. */
import type { StreamDir } from "../types.ts";

/** RFC 9113 §7 error codes, by value. */
export const HTTP2_ERROR_NAMES: readonly string[] = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

export function http2ErrorName(code: number): string {
  return HTTP2_ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** One HTTP/2 stream: a request and its response (RFC 9113 §8.1). */
export interface Http2StreamMessage {
  protocol: "http2";
  kind: "stream";
  streamId: number;
  /** A server push (PUSH_PROMISE, RFC 9113 §8.4). */
  pushed: boolean;
  /** The request came as an HTTP/1.1 Upgrade request (stream 1 of an h2c upgrade). */
  upgraded: boolean;
  method: string;
  path: string;
  authority: string;
  scheme: string;
  /** Final status; 0 when no response header block was decoded. */
  status: number;
  informationalCount: number;
  /** False when a header block of the stream could not be decoded (HPACK state lost to a gap). */
  headersDecoded: boolean;
  requestHeaderBytes: number;
  requestDataBytes: number;
  responseHeaderBytes: number;
  responseDataBytes: number;
  /** First byte of the request's HEADERS frame; -1 when not seen. */
  requestFirstFrame: number;
  requestFirstTimeMs: number;
  /** The frame that ended the request (END_STREAM from the client); -1 while open. */
  requestEndFrame: number;
  requestEndTimeMs: number;
  /** First byte of the response's first HEADERS frame (1xx included); -1 when none. */
  responseFirstFrame: number;
  responseFirstTimeMs: number;
  /** First byte of response DATA; -1 when none. */
  responseDataFirstFrame: number;
  responseDataFirstTimeMs: number;
  responseEndFrame: number;
  responseEndTimeMs: number;
  /** Who sent RST_STREAM (-1 nobody), its error code and name. */
  resetBy: -1 | StreamDir;
  resetCode: number;
  resetName: string;
  resetFrame: number;
  /** Both sides ended the stream (END_STREAM, or RST_STREAM). */
  complete: boolean;
}

export interface Http2ConnectionMessage {
  protocol: "http2";
  kind: "connection";
  /** Reached by an HTTP/1.1 Upgrade: h2c (rather than prior knowledge). */
  upgraded: boolean;
  /** Frames seen per direction, by type (index = frame type; 10 counts unknown types). */
  framesByType: [number[], number[]];
  streams: number;
  /** GOAWAY: who sent it (-1 nobody), last stream id, error code and name, frame. */
  goawayBy: -1 | StreamDir;
  goawayLastStreamId: number;
  goawayCode: number;
  goawayName: string;
  goawayFrame: number;
  /** False when HPACK decoding failed in some direction. */
  headersDecoded: boolean;
  /** A direction stopped being parsed (gap inside framing, bad preface). */
  framingLost: boolean;
}

export function newHttp2Stream(streamId: number): Http2StreamMessage {
  return {
    protocol: "http2",
    kind: "stream",
    streamId,
    pushed: false,
    upgraded: false,
    method: "",
    path: "",
    authority: "",
    scheme: "",
    status: 0,
    informationalCount: 0,
    headersDecoded: true,
    requestHeaderBytes: 0,
    requestDataBytes: 0,
    responseHeaderBytes: 0,
    responseDataBytes: 0,
    requestFirstFrame: -1,
    requestFirstTimeMs: 0,
    requestEndFrame: -1,
    requestEndTimeMs: 0,
    responseFirstFrame: -1,
    responseFirstTimeMs: 0,
    responseDataFirstFrame: -1,
    responseDataFirstTimeMs: 0,
    responseEndFrame: -1,
    responseEndTimeMs: 0,
    resetBy: -1,
    resetCode: 0,
    resetName: "",
    resetFrame: -1,
    complete: false,
  };
}
