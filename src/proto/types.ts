/**
 * Types of the proto stage: the byte-stream interface between TCP analysis and the protocol
 * parsers, and what the parsers report.
 *
 * The stage does not depend on src/tcp's internals. The exchange stage wires one
 * StreamReassembler per connection: TCP segments go in (`TcpStreamInput`), bytes in sequence order
 * come out to a `StreamConsumer` (a protocol parser), and parsers report through a `ProtoSink`
 * (Zeek's analyzers raise events; they never print).
 */

/** Direction of a byte stream: 0 from the client (connection initiator), 1 from the server. */
export type StreamDir = 0 | 1;

/** Why a direction ended. "close": the caller closed the stream (end of capture, flow evicted). */
export type StreamEndReason = "fin" | "rst" | "close";

/**
 * What TCP analysis feeds in, segment by segment in capture order. `timeMs` may have any origin
 * (epoch or capture start) as long as it is the same for the whole connection: parsers only copy
 * it into their reports and subtract.
 */
export interface TcpStreamInput {
  /** A SYN from `dir` with initial sequence number `isn`: the direction's byte 0 is isn + 1. */
  onSyn(dir: StreamDir, isn: number): void;
  /**
   * Payload of one segment from `dir`, first byte at sequence number `seq` (a SYN's own number
   * + 1 when a SYN carries data, as with TCP Fast Open). `payload` is a view
   * valid only during the call (it is copied only when it has to wait for missing bytes).
   * `wireLenBytes` is the payload length on the wire when the snaplen cut the packet: the bytes
   * past `payload` become a gap. Defaults to payload.length.
   */
  onSegment(
    dir: StreamDir,
    seq: number,
    payload: Uint8Array,
    frame: number,
    timeMs: number,
    wireLenBytes?: number,
  ): void;
  /** An ACK sent by `dir`: it acknowledges the opposite direction's bytes before `ack`. */
  onAck(dir: StreamDir, ack: number, frame: number, timeMs: number): void;
  /** A FIN from `dir`; `seq` is the FIN's own sequence number (segment seq + payload length). */
  onFin(dir: StreamDir, seq: number, frame: number, timeMs: number): void;
  /** A RST from `dir`: both directions end. */
  onRst(dir: StreamDir, frame: number, timeMs: number): void;
  /** No more segments will come (end of capture, connection evicted). */
  close(frame: number, timeMs: number): void;
}

/**
 * A protocol parser's view of a connection: bytes of each direction, in order, without
 * duplicates. `offsetBytes` counts bytes from the start of the direction's stream (byte 0 follows
 * the SYN, or is the first byte seen when the capture missed the SYN).
 */
export interface StreamConsumer {
  /**
   * False once the parser needs no more bytes (unknown protocol nobody asked about, a tunnel whose
   * bytes are only counted elsewhere): the reassembler then stops buffering and delivering.
   */
  readonly wantsData: boolean;
  /** `bytes` is a view valid only during the call; every byte came in the segment `frame`. */
  onData(
    dir: StreamDir,
    bytes: Uint8Array,
    offsetBytes: number,
    frame: number,
    timeMs: number,
  ): void;
  /**
   * Optional form of onData for the bytes[start, end) of a buffer valid only during the call (the
   * packet's own): a consumer that has it gets every delivery this way, so the reassembler makes
   * no view per segment. Same meaning as onData(dir, bytes.subarray(start, end), ...).
   */
  onDataRange?(
    dir: StreamDir,
    bytes: Uint8Array,
    start: number,
    end: number,
    offsetBytes: number,
    frame: number,
    timeMs: number,
  ): void;
  /**
   * Bytes [offsetBytes, offsetBytes + lenBytes) were never captured. `frame`/`timeMs` are those of
   * the segment that revealed the gap.
   */
  onGap(dir: StreamDir, offsetBytes: number, lenBytes: number, frame: number, timeMs: number): void;
  /** The direction ended after `offsetBytes` bytes; no more onData for it. */
  onEnd(
    dir: StreamDir,
    reason: StreamEndReason,
    offsetBytes: number,
    frame: number,
    timeMs: number,
  ): void;
}

/** Where a byte (or a message edge) was seen. */
export interface FrameTime {
  frame: number;
  timeMs: number;
}

/**
 * A protocol anomaly, named so it can be searched for (Zeek's weirds): e.g.
 * "http-header-too-large", "tls-bad-record-header". Every name is listed in docs/protocols.md.
 */
export interface ProtoAnomaly {
  name: string;
  dir: StreamDir;
  /** Stream offset where the problem starts (-1 for datagrams). */
  offsetBytes: number;
  frame: number;
  timeMs: number;
  detail: string;
}

/** Where parsers report. Messages are fresh objects the sink may keep; anomalies too. */
export interface ProtoSink {
  message(message: ProtoMessage): void;
  anomaly(anomaly: ProtoAnomaly): void;
}

import type { ProtoMessage } from "./proto-message.ts";
