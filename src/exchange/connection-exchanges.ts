/**
 * The exchange stage's state for one TCP connection (one tcp.stream): its StreamReassembler and
 * ProtocolDispatcher, the handshake times, and the pairing of what the parsers report into
 * exchanges (HTTP/1 requests with their responses, HTTP/2 streams, TLS or generic turns).
 *
 * Each exchange is emitted as soon as it is complete; after the client's ACK of its last response
 * byte when that comes soon (one exchange waits at most, and never past the next one or the end of
 * the connection). When both directions have ended the parsers and the reassembler are dropped;
 * the small remainder goes when the tcp stage finalizes the connection.
 */
import type { PacketView } from "../decode/types.ts";
import { TcpFlag } from "../decode/types.ts";
import type { AckPoint } from "../proto/ack-history.ts";
import { DnsTracker } from "../proto/dns/dns-tracker.ts";
import { FifoQueue } from "../proto/fifo-queue.ts";
import type { HttpMessage } from "../proto/http1/http1-message.ts";
import type { Http2StreamMessage } from "../proto/http2/http2-message.ts";
import type { ProtoMessage } from "../proto/proto-message.ts";
import { ProtocolDispatcher } from "../proto/protocol-dispatcher.ts";
import { type StreamProtocol, sniffStreamProtocol } from "../proto/protocol-sniff.ts";
import { StreamReassembler } from "../proto/stream-reassembler.ts";
import type { TlsSessionMessage } from "../proto/tls/tls-message.ts";
import { tlsVersionName } from "../proto/tls/tls-names.ts";
import { TlsParser } from "../proto/tls/tls-parser.ts";
import type { TurnMessage } from "../proto/turns/turn-message.ts";
import { TurnTracker } from "../proto/turns/turn-tracker.ts";
import type {
  ProtoAnomaly,
  ProtoSink,
  StreamConsumer,
  StreamDir,
  StreamEndReason,
} from "../proto/types.ts";
import type { Connection } from "../tcp/connection.ts";
import type { VantageKind } from "../tcp/types.ts";
import { connectionVantage } from "../tcp/vantage.ts";
import type { DnsLink } from "./dns-links.ts";
import type { ExchangeEmitter } from "./exchange-emitter.ts";
import { type ChargeContext, DELAYED_ACK_MAX_MS } from "./phase-charges.ts";
import { PhaseTimeline } from "./phase-timeline.ts";
import { readStartLine, type StartLine } from "./start-line.ts";
import type {
  Exchange,
  ExchangeOutcome,
  ExchangeProtocol,
  ExchangeResponse,
  ExchangeTls,
} from "./types.ts";

const ALL_PROTOCOLS: ReadonlySet<StreamProtocol> = new Set([
  "http1",
  "http2",
  "tls",
  "dns",
  "generic",
]);
/** DNS over TCP (RFC 7766): its connections get a DnsTracker of their own. */
const DNS_PORT = 53;
/**
 * HTTP/1 responses that arrived before their request was complete (a server answering early, e.g.
 * 413 before the body) wait for it; more than this and the oldest is given up on.
 */
const MAX_EARLY_RESPONSES = 16;
/**
 * HTTP/1 requests waiting for their responses. Pipelining clients send a handful (browsers that
 * pipelined capped it near 6); a client that never hears back and keeps sending would grow it
 * without bound, so past this the oldest is given up as unanswered.
 */
const MAX_PENDING_REQUESTS = 1024;
/**
 * Holes the capture missed (not those a snaplen cut on purpose) remembered per direction, to tell
 * which exchanges they fell in. A connection with more holes than this has lost track of older
 * ones: its earlier exchanges were emitted long before.
 */
const MAX_GAPS_KEPT = 64;

/**
 * How a connection's exchanges are framed, decided at its first payload: by the protocol parsers,
 * or — when the capture cut that payload short (a snaplen that keeps only headers, as tcpdump -s 96
 * does) — by direction turns, since no parser can frame messages whose heads are missing.
 */
const Framing = { UNDECIDED: 0, PARSERS: 1, TURNS: 2 } as const;
type FramingValue = (typeof Framing)[keyof typeof Framing];

/** One side of an exchange as the builder needs it: bytes and the times of its first/last byte. */
interface Side {
  bytes: number;
  firstFrame: number;
  firstMs: number;
  lastFrame: number;
  lastMs: number;
  /** Stream offset just past the side's last byte, when the parser knows it. */
  endOffsetBytes?: number;
}

interface BuildArgs {
  protocol: ExchangeProtocol;
  method: string;
  target: string;
  host: string;
  request: Side | null;
  response: Side | null;
  status: number;
  outcome: ExchangeOutcome;
  /** Where a request without response stopped waiting (the end of the connection). */
  endMs: number;
  endFrame: number;
  /** Data direction-1 stream offset just past the response, for the covering ACK; -1 none. */
  responseEndOffset: number;
  interimResponses: number;
  /** A TLS connection with no application data: the "tls" phase runs to endMs. */
  handshakeOnly: boolean;
  /** No answer was due (Exchange.oneWay). */
  oneWay?: boolean;
  /** The client reset the stream itself (Exchange.cancelled). */
  cancelled?: boolean;
}

/** RFC 9113 §7: the error codes a client resets a stream with when it no longer wants it. */
const H2_NO_ERROR = 0x0;
const H2_CANCEL = 0x8;

export class ConnectionExchanges implements StreamConsumer, ProtoSink {
  readonly stream: number;
  private conn: Connection | undefined;
  private readonly clientIsA: boolean;
  private readonly emitter: ExchangeEmitter;
  private reassembler: StreamReassembler | undefined;
  private dispatcher: ProtocolDispatcher | undefined;
  private dnsTracker: DnsTracker | undefined;
  /** Both directions ended: parsers and reassembler are gone. */
  closed = false;
  private endedDirs = 0;

  // ── handshake (times in ms since the capture's first packet) ──
  private firstSynFrame = 0;
  private firstSynMs = 0;
  /** The last SYN before the SYN/ACK: the one that was answered. */
  private answeredSynMs = 0;
  private synAckSeen = false;
  private handshakeAckFrame = 0;
  private handshakeAckMs = 0;
  private dnsLink: DnsLink | undefined = undefined;

  // ── ends ──
  lastFrame = 0;
  lastMs = 0;
  private rstFrame = 0;
  private rstMs = 0;
  private serverEndReason: StreamEndReason | undefined = undefined;
  private serverEndFrame = 0;
  private serverEndMs = 0;
  private clientEndReason: StreamEndReason | undefined = undefined;
  private clientEndFrame = 0;
  private clientEndMs = 0;

  // ── pairing ──
  private exchangeIndex = 0;
  private prevEndMs = 0;
  private prevEndFrame = 0;
  private readonly pendingRequests = new FifoQueue<HttpMessage>();
  private readonly earlyResponses: HttpMessage[] = [];
  private interimCount = 0;
  private interimBytes = 0;
  private pendingTurn: TurnMessage | undefined = undefined;
  /** The exchange waiting for the client's ACK of its last response byte. */
  private held: Exchange | undefined = undefined;
  private heldAckOffset = -1;
  private readonly ackPoint: AckPoint = { frame: 0, timeMs: 0, ackOffsetBytes: 0 };

  // ── holes the capture missed, as stream offsets per direction ──
  private readonly gapOffsets: [number[], number[]] = [[], []];
  /** The segment being delivered was cut by the snaplen: the gap that follows it is no loss. */
  private inCutSegment = false;

  // ── framing by turns (payloads cut by the snaplen) ──
  private framing: FramingValue = Framing.UNDECIDED;
  private turns: TurnTracker | undefined = undefined;
  /** What the first captured bytes looked like: http1, tls, or generic. */
  private turnProtocol: ExchangeProtocol = "generic";
  private turnDir = -1;
  /** Start lines of the client turn in progress, of the client turn awaiting its answer, and
   *  of the server turn in progress. */
  private readonly currentRequestLine: StartLine = { method: "", target: "", status: 0 };
  private readonly pendingRequestLine: StartLine = { method: "", target: "", status: 0 };
  private readonly currentResponseLine: StartLine = { method: "", target: "", status: 0 };

  // ── charging, decided at the first exchange ──
  private vantage: VantageKind | undefined = undefined;
  private rttMs: number | null = null;
  private clientText = "";
  private serverText = "";

  constructor(conn: Connection, clientIsA: boolean, emitter: ExchangeEmitter) {
    this.stream = conn.stream;
    this.conn = conn;
    this.clientIsA = clientIsA;
    this.emitter = emitter;
    const serverPort = clientIsA ? conn.portB : conn.portA;
    let client: string | undefined;
    let server: string | undefined;
    if (serverPort === DNS_PORT) {
      this.dnsTracker = new DnsTracker(this);
      client = this.endpointText(true);
      server = this.endpointText(false);
    }
    this.dispatcher = new ProtocolDispatcher({
      sink: this,
      protocols: ALL_PROTOCOLS,
      serverPort,
      ...(this.dnsTracker !== undefined ? { dns: this.dnsTracker, client, server } : {}),
    });
    this.reassembler = new StreamReassembler(this);
  }

  /** Whether a packet the tcp stage saw from endpoint A (or B) was sent by this client. */
  isFromClient(fromA: boolean): boolean {
    return fromA === this.clientIsA;
  }

  /** One TCP packet of the connection, after the tcp stage analysed it. */
  onPacket(view: PacketView, frame: number, timeMs: number, fromClient: boolean): void {
    this.lastFrame = frame;
    this.lastMs = timeMs;
    const flags = view.tcpFlags;
    if (flags & TcpFlag.SYN) this.onSynFlag(flags, frame, timeMs, fromClient);
    const conn = this.conn;
    if (this.handshakeAckFrame === 0 && conn !== undefined && conn.handshakeAckFrame === frame) {
      this.handshakeAckFrame = frame;
      this.handshakeAckMs = timeMs;
    }
    if (flags & TcpFlag.RST && this.rstFrame === 0) {
      this.rstFrame = frame;
      this.rstMs = timeMs;
    }
    const r = this.reassembler;
    if (r === undefined) return;
    const dir: StreamDir = fromClient ? 0 : 1;
    const seq = view.tcpSeq >>> 0;
    if (flags & TcpFlag.SYN) r.onSyn(dir, seq);
    const wireLen = Math.max(0, view.payloadLenBytes);
    // Data on a SYN (TCP Fast Open) starts after the SYN's own sequence number.
    const dataSeq = flags & TcpFlag.SYN ? (seq + 1) >>> 0 : seq;
    if (wireLen > 0 && this.framing === Framing.UNDECIDED) {
      this.decideFraming(dir, view, wireLen);
    }
    if (
      wireLen > 0 &&
      this.wantsData &&
      !this.countedAsBody(dir, dataSeq, view, wireLen, frame, timeMs)
    ) {
      // The payload as a range of the packet's bytes: no view per segment (onDataRange below).
      const start = view.payloadOffset;
      const end = start + view.payloadCapturedBytes;
      this.inCutSegment = view.payloadCapturedBytes < wireLen;
      r.onSegmentRange(dir, dataSeq, view.bytes, start, end, frame, timeMs, wireLen);
      this.inCutSegment = false;
    }
    if (flags & TcpFlag.ACK) {
      r.onAck(dir, view.tcpAck >>> 0, frame, timeMs);
      if (dir === 0 && this.held !== undefined) this.releaseHeldIfAcked();
    }
    if (flags & TcpFlag.FIN) r.onFin(dir, (dataSeq + wireLen) >>> 0, frame, timeMs);
    if (flags & TcpFlag.RST) r.onRst(dir, frame, timeMs);
    if (this.endedDirs === 2) this.close();
  }

  /**
   * Most segments of a transfer are the next bytes of an HTTP body, which the reader only counts:
   * those go straight to it (the reassembler's bookkeeping, then the reader's countBody) instead
   * of through the reassembler, dispatcher and parser calls, with the same effect. False when the
   * segment needs the full path.
   */
  private countedAsBody(
    dir: StreamDir,
    seq: number,
    view: PacketView,
    wireLen: number,
    frame: number,
    timeMs: number,
  ): boolean {
    const dispatcher = this.dispatcher;
    if (dispatcher === undefined || this.turns !== undefined) return false;
    if (view.payloadCapturedBytes !== wireLen) return false;
    const r = this.reassembler as StreamReassembler;
    const offset = r.inOrderOffset(dir, seq);
    if (offset < 0) return false;
    const reader = dispatcher.bodyCounter(dir, wireLen);
    if (reader === undefined) return false;
    r.advance(dir, wireLen, frame, timeMs);
    reader.countBody(wireLen, offset, frame, timeMs);
    return true;
  }

  /**
   * Parsers, unless the first payload was cut by the snaplen before the end of what a parser
   * needs: an HTTP/1 head (a cut body is fine: bodies are only counted), or anything of the
   * other protocols (a cut TLS record or HTTP/2 frame loses the record layer).
   */
  private decideFraming(dir: StreamDir, view: PacketView, wireLen: number): void {
    this.framing = Framing.PARSERS;
    if (view.payloadCapturedBytes >= wireLen) return;
    const b = view.bytes;
    const first = new Uint8Array(
      b.buffer,
      b.byteOffset + view.payloadOffset,
      view.payloadCapturedBytes,
    );
    const c = this.conn;
    const serverPort = c === undefined ? 0 : this.clientIsA ? c.portB : c.portA;
    const sniffed = sniffStreamProtocol(dir, first, serverPort);
    if (sniffed === "dns" || (sniffed === "http1" && hasHeadEnd(first))) return;
    this.framing = Framing.TURNS;
    this.turns = new TurnTracker(this, "generic");
    this.turnProtocol = sniffed === "http1" || sniffed === "tls" ? sniffed : "generic";
    this.dispatcher = undefined;
  }

  private onSynFlag(flags: number, frame: number, timeMs: number, fromClient: boolean): void {
    if (flags & TcpFlag.ACK) {
      if (!fromClient) this.synAckSeen = true;
      return;
    }
    if (!fromClient) return;
    if (this.firstSynFrame === 0) {
      this.firstSynFrame = frame;
      this.firstSynMs = timeMs;
      const links = this.emitter.links;
      if (links.size > 0) {
        this.dnsLink = links.take(this.addressOf(true), this.addressOf(false), timeMs);
      }
    }
    if (!this.synAckSeen) this.answeredSynMs = timeMs;
  }

  /**
   * The tcp stage finalized the connection (closed and idle, port reused, end of capture): ends
   * the streams and emits what is left, charged by the same vantage and RTT rule as any other.
   */
  finish(): void {
    this.decideCharging();
    if (!this.closed) this.reassembler?.close(this.lastFrame, this.lastMs);
    this.close();
    this.conn = undefined;
  }

  // ── StreamConsumer: the reassembler's output, passed to the dispatcher ──

  get wantsData(): boolean {
    return this.turns !== undefined || this.dispatcher?.wantsData === true;
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    const turns = this.turns;
    if (turns === undefined) {
      this.dispatcher?.onData(dir, bytes, offset, frame, timeMs);
      if (this.dispatcher?.protocol === "generic") this.genericTurnStart(dir, bytes);
      return;
    }
    // The tracker reports the finished turn first; the new turn's start line is read after.
    turns.add(dir, bytes.length, offset, frame, timeMs, frame, timeMs);
    if (dir !== this.turnDir) {
      this.turnDir = dir;
      if (this.turnProtocol === "http1") {
        readStartLine(bytes, dir === 0 ? this.currentRequestLine : this.currentResponseLine);
      }
    }
  }

  onDataRange(
    dir: StreamDir,
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    const dispatcher = this.dispatcher;
    if (this.turns === undefined && dispatcher !== undefined) {
      dispatcher.onDataRange(dir, bytes, start, end, offset, frame, timeMs);
      if (dispatcher.protocol === "generic" && dir !== this.turnDir) {
        this.genericTurnStart(dir, bytes.subarray(start, end));
      }
      return;
    }
    this.onData(dir, bytes.subarray(start, end), offset, frame, timeMs);
  }

  /**
   * A generic (unknown protocol) turn's first bytes: a client turn that starts with a text
   * command line ("GET key", "SET k v", "EHLO host") names its exchange by it.
   */
  private genericTurnStart(dir: StreamDir, bytes: Uint8Array): void {
    if (dir === this.turnDir) return;
    this.turnDir = dir;
    if (dir !== 0) return;
    const line = this.currentRequestLine;
    readStartLine(bytes, line);
    line.status = 0;
    if (!isPrintable(line.target)) {
      line.method = "";
      line.target = "";
    }
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    if (!this.inCutSegment) {
      const gaps = this.gapOffsets[dir];
      if (gaps.length >= MAX_GAPS_KEPT) gaps.shift();
      gaps.push(offset);
    }
    const turns = this.turns;
    if (turns === undefined) {
      this.dispatcher?.onGap(dir, offset, len, frame, timeMs);
      return;
    }
    turns.gap(dir, len, offset, frame, timeMs);
    if (dir !== this.turnDir) {
      // A turn whose first bytes were never captured has no start line.
      this.turnDir = dir;
      const line = dir === 0 ? this.currentRequestLine : this.currentResponseLine;
      line.method = "";
      line.target = "";
      line.status = 0;
    }
  }

  onEnd(
    dir: StreamDir,
    reason: StreamEndReason,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    if (dir === 1) {
      this.serverEndReason = reason;
      this.serverEndFrame = frame;
      this.serverEndMs = timeMs;
    } else {
      this.clientEndReason = reason;
      this.clientEndFrame = frame;
      this.clientEndMs = timeMs;
    }
    this.endedDirs++;
    this.dispatcher?.onEnd(dir, reason, offset, frame, timeMs);
    if (this.endedDirs === 2) this.turns?.flush();
  }

  // ── ProtoSink: what the parsers report ──

  message(m: ProtoMessage): void {
    switch (m.protocol) {
      case "http1":
        if (m.kind === "request") this.onHttpRequest(m);
        else this.onHttpResponse(m);
        return;
      case "http2":
        if (m.kind === "stream") this.onHttp2Stream(m);
        return;
      case "tls":
        if (m.kind === "turn") this.onTurn(m);
        else this.onTlsSession(m);
        return;
      case "generic":
        this.onTurn(m);
        return;
      case "dns":
        this.emitter.dnsTransaction(m, this.stream);
        return;
    }
  }

  anomaly(a: ProtoAnomaly): void {
    this.emitter.anomaly(a);
  }

  // ── HTTP/1 ──

  private onHttpRequest(m: HttpMessage): void {
    const early = this.earlyResponses.findIndex((r) => r.requestIndex === m.index);
    if (early >= 0) {
      const [response] = this.earlyResponses.splice(early, 1);
      this.emitHttp(m, response);
      return;
    }
    this.pendingRequests.push(m);
    if (this.pendingRequests.length > MAX_PENDING_REQUESTS) {
      this.emitHttp(this.pendingRequests.shift() as HttpMessage, null);
    }
  }

  private onHttpResponse(m: HttpMessage): void {
    // 1xx are folded into the final response; 101 Switching Protocols is final for HTTP/1.
    if (m.informational && m.framing !== "switch") {
      this.interimCount++;
      this.interimBytes += m.headerBytes;
      return;
    }
    const pending = this.pendingRequests;
    if (m.requestIndex < 0) {
      this.emitHttp(null, m);
      return;
    }
    // Requests before the answered one got none (FIFO pairing, RFC 9112 §9.3.2).
    while (pending.length > 0 && pending.peek()!.index < m.requestIndex) {
      this.emitHttp(pending.shift() as HttpMessage, null);
    }
    if (pending.length > 0 && pending.peek()!.index === m.requestIndex) {
      this.emitHttp(pending.shift() as HttpMessage, m);
      return;
    }
    this.earlyResponses.push(m);
    if (this.earlyResponses.length > MAX_EARLY_RESPONSES) {
      this.emitHttp(null, this.earlyResponses.shift() as HttpMessage);
    }
  }

  private emitHttp(request: HttpMessage | null, response: HttpMessage | null): void {
    const interim = this.interimCount;
    const interimBytes = this.interimBytes;
    this.interimCount = 0;
    this.interimBytes = 0;
    const req = request === null ? null : httpSide(request);
    const res = response === null ? null : httpSide(response);
    if (res !== null) res.bytes += interimBytes;
    let outcome: ExchangeOutcome = "complete";
    const cut =
      response !== null && (!response.complete || (request !== null && !request.complete));
    if (response === null) outcome = this.unansweredOutcome();
    else if (cut && this.rstFrame > 0) outcome = "reset";
    else if (
      (response.bodyGapBytes > 0 &&
        this.missed(1, response.startOffsetBytes, response.endOffsetBytes)) ||
      (request !== null &&
        request.bodyGapBytes > 0 &&
        this.missed(0, request.startOffsetBytes, request.endOffsetBytes))
    ) {
      outcome = "gap";
    } else if (cut) outcome = this.cutOutcome();
    this.build({
      protocol: "http1",
      method: request?.method ?? response?.requestMethod ?? "",
      target: request?.target ?? "",
      host: request?.host ?? "",
      request: req,
      response: res,
      status: response?.status ?? 0,
      outcome,
      endMs: this.endMs(),
      endFrame: this.endFrame(),
      responseEndOffset: response?.endOffsetBytes ?? -1,
      interimResponses: interim,
      handshakeOnly: false,
    });
  }

  // ── HTTP/2 ──

  private onHttp2Stream(s: Http2StreamMessage): void {
    const hasRequest = s.requestFirstFrame >= 0;
    const hasResponse = s.responseFirstFrame >= 0;
    if (!hasRequest && !hasResponse) return;
    const req: Side | null = hasRequest
      ? {
          bytes: s.requestHeaderBytes + s.requestDataBytes,
          firstFrame: s.requestFirstFrame,
          firstMs: s.requestFirstTimeMs,
          lastFrame: s.requestEndFrame >= 0 ? s.requestEndFrame : s.requestFirstFrame,
          lastMs: s.requestEndFrame >= 0 ? s.requestEndTimeMs : s.requestFirstTimeMs,
        }
      : null;
    const res: Side | null = hasResponse
      ? {
          bytes: s.responseHeaderBytes + s.responseDataBytes,
          firstFrame: s.responseFirstFrame,
          firstMs: s.responseFirstTimeMs,
          lastFrame: s.responseEndFrame >= 0 ? s.responseEndFrame : s.responseFirstFrame,
          lastMs: s.responseEndFrame >= 0 ? s.responseEndTimeMs : s.responseFirstTimeMs,
        }
      : null;
    let outcome: ExchangeOutcome = "complete";
    if (s.resetBy !== -1) outcome = "reset";
    else if (!hasResponse) outcome = this.unansweredOutcome();
    else if (!s.complete) outcome = this.cutOutcome();
    this.build({
      cancelled: s.resetBy === 0 && (s.resetCode === H2_CANCEL || s.resetCode === H2_NO_ERROR),
      protocol: "http2",
      method: s.method,
      target: s.path,
      host: s.authority,
      request: req,
      response: res,
      status: s.status,
      outcome,
      endMs: this.endMs(),
      endFrame: this.endFrame(),
      responseEndOffset: -1,
      interimResponses: s.informationalCount,
      handshakeOnly: false,
    });
  }

  // ── TLS and generic turns ──

  private onTurn(t: TurnMessage): void {
    if (t.dir === 0) {
      if (this.pendingTurn !== undefined) this.emitTurns(this.pendingTurn, null);
      this.pendingTurn = t;
      this.pendingRequestLine.method = this.currentRequestLine.method;
      this.pendingRequestLine.target = this.currentRequestLine.target;
      return;
    }
    const request = this.pendingTurn;
    this.pendingTurn = undefined;
    // TLS 1.3 servers send NewSessionTicket records right after the handshake, before any request:
    // without keys they look like data but answer nothing.
    if (request === undefined && t.protocol === "tls" && this.exchangeIndex === 0) return;
    this.emitTurns(request ?? null, t);
  }

  private emitTurns(request: TurnMessage | null, response: TurnMessage | null): void {
    if (this.isShutdown(request, response)) return;
    const byTurns = this.turns !== undefined;
    const protocol = byTurns ? this.turnProtocol : ((request ?? response)?.protocol ?? "generic");
    let outcome: ExchangeOutcome = "complete";
    if (response === null) outcome = this.unansweredOutcome();
    else if (
      (response.gapBytes > 0 &&
        this.missed(1, response.startOffsetBytes, response.endOffsetBytes)) ||
      (request !== null &&
        request.gapBytes > 0 &&
        this.missed(0, request.startOffsetBytes, request.endOffsetBytes))
    ) {
      outcome = "gap";
    }
    const tls = protocol === "tls" ? this.tlsSession() : undefined;
    const line =
      (byTurns || protocol === "generic") && request !== null ? this.pendingRequestLine : undefined;
    const oneWay = response === null && outcome === "no-response" && this.noAnswerDue(protocol);
    this.build({
      protocol,
      method: line?.method ?? "",
      target: line?.target ?? tls?.serverName ?? "",
      host: tls?.serverName ?? "",
      request: request === null ? null : turnSide(request),
      response: response === null ? null : turnSide(response),
      status: byTurns && response !== null ? this.currentResponseLine.status : 0,
      outcome,
      // No answer was due: the exchange ends with the message, no wait is charged to anyone.
      endMs: oneWay && request !== null ? request.lastTimeMs : this.endMs(),
      endFrame: oneWay && request !== null ? request.lastFrame : this.endFrame(),
      responseEndOffset: response?.endOffsetBytes ?? -1,
      interimResponses: 0,
      handshakeOnly: false,
      oneWay,
    });
  }

  /**
   * Whether a turn the server closed on without answering was due an answer. Not when wirewhy
   * cannot read the protocol (many send messages that need no reply: notifications, keep-alives),
   * nor when the client closed its side first: its last records were its goodbye (a TLS
   * close_notify, sent just before its FIN).
   */
  private noAnswerDue(protocol: ExchangeProtocol): boolean {
    if (protocol === "generic") return true;
    if (protocol !== "tls") return false;
    return this.clientEndMs > 0 && this.clientEndMs <= this.serverEndMs;
  }

  /**
   * A TLS 1.3 connection's end, not an exchange: each turn present is one record no longer than
   * an encrypted alert (a close_notify, RFC 8446 §6.1: 2 bytes of alert, its content type and the
   * AEAD tag) and its sender's last data (its stream ended by FIN or RST after it, not by the
   * capture's end). Up to TLS 1.2 alerts are records of their own type, never turns.
   */
  private isShutdown(request: TurnMessage | null, response: TurnMessage | null): boolean {
    if (request === null && response === null) return false;
    if (request !== null && request.protocol !== "tls") return false;
    if (response !== null && response.protocol !== "tls") return false;
    const ended = (reason: StreamEndReason | undefined) => reason === "fin" || reason === "rst";
    return (
      (request === null || (isAlertSizedTurn(request) && ended(this.clientEndReason))) &&
      (response === null || (isAlertSizedTurn(response) && ended(this.serverEndReason)))
    );
  }

  /**
   * The session comes when the connection ended: a handshake with no data still is an exchange.
   * When the handshake completed and the client then closed first (its alert or FIN before the
   * server's end), the client asked for nothing: the exchange is complete and ends at the
   * client's close, and the time after the server's last flight is the client's.
   */
  private onTlsSession(s: TlsSessionMessage): void {
    // A TLS 1.3 close_notify is the client's only turn: its close, not a request.
    const pending = this.pendingTurn;
    const closeNotify = pending !== undefined && this.isShutdown(pending, null) ? pending : null;
    if (closeNotify !== null) this.pendingTurn = undefined;
    if (this.exchangeIndex > 0 || !s.clientHelloSeen || this.pendingTurn !== undefined) return;
    // The client closed first after a complete handshake: it asked for nothing, the exchange is
    // complete at its close; otherwise the handshake waited for what never came.
    const closed = this.clientClose(s, closeNotify);
    this.build({
      protocol: "tls",
      method: "",
      target: s.serverName,
      host: s.serverName,
      request: {
        bytes: 0,
        firstFrame: s.clientHelloFrame,
        firstMs: s.clientHelloTimeMs,
        lastFrame: s.clientHelloFrame,
        lastMs: s.clientHelloTimeMs,
      },
      response: null,
      status: 0,
      outcome: closed !== null ? "complete" : this.unansweredOutcome(),
      endMs: closed !== null ? closed.timeMs : this.endMs(),
      endFrame: closed !== null ? closed.frame : this.endFrame(),
      responseEndOffset: -1,
      interimResponses: 0,
      handshakeOnly: true,
    });
  }

  /**
   * The client's close of a completed handshake, when it came first: its first alert (a clear or
   * TLS 1.2 alert record, or the TLS 1.3 close_notify turn), or its FIN, whichever was earlier, before the server ended its side or reset; null otherwise.
   */
  private clientClose(
    s: TlsSessionMessage,
    closeNotify: TurnMessage | null,
  ): { frame: number; timeMs: number } | null {
    if (!s.handshakeComplete) return null;
    let frame = closeNotify?.firstFrame ?? 0;
    let timeMs = closeNotify?.firstTimeMs ?? Number.POSITIVE_INFINITY;
    for (const alert of s.alerts) {
      if (alert.dir === 0 && alert.timeMs < timeMs) {
        frame = alert.frame;
        timeMs = alert.timeMs;
      }
    }
    if (this.clientEndReason === "fin" && this.clientEndMs < timeMs) {
      frame = this.clientEndFrame;
      timeMs = this.clientEndMs;
    }
    if (frame === 0) return null;
    if (this.serverEndReason !== undefined && this.serverEndReason !== "close") {
      if (this.serverEndMs < timeMs) return null;
    }
    if (this.rstFrame > 0 && this.rstMs < timeMs) return null;
    return { frame, timeMs };
  }

  private tlsSession(): TlsSessionMessage | undefined {
    const parser = this.dispatcher?.parser;
    return parser instanceof TlsParser ? parser.session : undefined;
  }

  // ── building ──

  /** The capture missed bytes of `dir` in [start, end) (snaplen cuts aside). */
  private missed(dir: StreamDir, start: number, end: number): boolean {
    const gaps = this.gapOffsets[dir];
    for (let i = 0; i < gaps.length; i++) if (gaps[i] >= start && gaps[i] < end) return true;
    return false;
  }

  /** Why a request got no response: a RST, the capture's end, else the server closed. */
  private unansweredOutcome(): ExchangeOutcome {
    if (this.rstFrame > 0) return "reset";
    if (this.serverEndReason === undefined || this.serverEndReason === "close") return "truncated";
    return "no-response";
  }

  /** Why a response was cut short. */
  private cutOutcome(): ExchangeOutcome {
    if (this.rstFrame > 0) return "reset";
    return "truncated";
  }

  private endMs(): number {
    if (this.rstFrame > 0) return this.rstMs;
    return this.serverEndReason !== undefined ? this.serverEndMs : this.lastMs;
  }

  private endFrame(): number {
    if (this.rstFrame > 0) return this.rstFrame;
    return this.serverEndReason !== undefined ? this.serverEndFrame : this.lastFrame;
  }

  private build(a: BuildArgs): void {
    const index = this.exchangeIndex++;
    const first = index === 0;
    const req = a.request;
    const res = a.response;
    const reqFirstMs = req !== null ? req.firstMs : (res as Side).firstMs;
    const reqFirstFrame = req !== null ? req.firstFrame : (res as Side).firstFrame;
    const session = first ? this.tlsSession() : undefined;
    let tl: PhaseTimeline;
    let dnsExchangeId = -1;
    if (first && this.firstSynFrame > 0) {
      const link = this.dnsLink;
      if (link !== undefined) {
        const tx = link.tx;
        dnsExchangeId = link.exchangeId;
        tl = new PhaseTimeline(tx.queryTimeMs);
        tl.add("dns", tx.responseTimeMs, tx.queryFrame, tx.responseFrame);
        tl.add("client-gap", this.firstSynMs, tx.responseFrame, this.firstSynFrame);
      } else {
        tl = new PhaseTimeline(this.firstSynMs);
      }
      const ackFrame = this.handshakeAckFrame;
      tl.add(
        "connect",
        ackFrame > 0 ? this.handshakeAckMs : reqFirstMs,
        this.firstSynFrame,
        ackFrame > 0 ? ackFrame : reqFirstFrame,
      );
      this.prevEndFrame = ackFrame > 0 ? ackFrame : this.firstSynFrame;
      this.prevEndMs = tl.endMs;
    } else if (first) {
      tl = new PhaseTimeline(reqFirstMs);
    } else {
      tl = new PhaseTimeline(Math.min(this.prevEndMs, reqFirstMs));
    }
    if (session !== undefined && session.clientHelloFrame > 0) {
      tl.add("idle", session.clientHelloTimeMs, this.prevEndFrame, session.clientHelloFrame);
      tl.add(
        "tls",
        a.handshakeOnly ? a.endMs : reqFirstMs,
        session.clientHelloFrame,
        a.handshakeOnly ? a.endFrame : reqFirstFrame,
      );
    } else if (req !== null || !first) {
      tl.add("idle", reqFirstMs, this.prevEndFrame, reqFirstFrame);
    }
    // A server that speaks first (a greeting or banner, before any request) makes the client wait
    // from the handshake on: that is "wait"; a later unsolicited server turn follows idle time.
    let endFrame = req !== null ? reqFirstFrame : this.prevEndFrame;
    if (req !== null && !a.handshakeOnly) {
      tl.add("request", req.lastMs, req.firstFrame, req.lastFrame);
      endFrame = req.lastFrame;
    }
    if (res !== null) {
      tl.add("wait", res.firstMs, endFrame, res.firstFrame);
      tl.add("response", res.lastMs, res.firstFrame, res.lastFrame);
      endFrame = res.lastFrame;
    } else if (!a.handshakeOnly) {
      tl.add("wait", a.endMs, endFrame, a.endFrame);
      endFrame = a.endFrame;
    }
    this.prevEndMs = tl.endMs;
    this.prevEndFrame = endFrame;

    const ctx = this.chargeContext(session);
    if (req !== null && res !== null) {
      ctx.waitRttMs = this.requestAckRttMs(req, res, ctx.rttMs);
      if (ctx.waitRttMs < ctx.rttMs) ctx.rttMs = ctx.waitRttMs;
    }
    if (req !== null && res !== null) ctx.waitRttMs = this.requestAckRttMs(req, res, ctx.rttMs);
    if (session !== undefined && session.clientHelloFrame > 0) {
      ctx.tlsClientMs = tlsClientMs(session, a.handshakeOnly ? a.endMs : reqFirstMs, ctx);
    }
    const response: ExchangeResponse | null =
      res === null
        ? null
        : {
            status: a.status,
            bytes: res.bytes,
            firstFrame: res.firstFrame,
            lastFrame: res.lastFrame,
            ackFrame: 0,
          };
    const exchange: Exchange = {
      id: -1,
      protocol: a.protocol,
      connection: this.stream,
      index,
      client: this.clientText,
      server: this.serverText,
      request: {
        method: a.method,
        target: a.target,
        host: a.host,
        bytes: req?.bytes ?? 0,
        firstFrame: req?.firstFrame ?? 0,
        lastFrame: req?.lastFrame ?? 0,
      },
      response,
      outcome: a.outcome,
      startMs: tl.startMs,
      durationMs: tl.durationMs,
      phases: tl.charged(ctx),
      vantage: ctx.vantage,
      rttMs: this.rttMs,
    };
    if (dnsExchangeId >= 0) exchange.dnsExchangeId = dnsExchangeId;
    if (this.turns !== undefined) exchange.framedByTurns = true;
    if (a.interimResponses > 0) exchange.interimResponses = a.interimResponses;
    if (a.oneWay === true) exchange.oneWay = true;
    if (a.cancelled === true) exchange.cancelled = true;
    const tls = this.tlsSession();
    if (tls !== undefined) exchange.tls = tlsFacts(tls);
    this.hold(exchange, a.responseEndOffset);
  }

  private chargeContext(session: TlsSessionMessage | undefined): ChargeContext {
    this.decideCharging();
    const synRetryWaitMs =
      this.firstSynFrame > 0 && this.answeredSynMs > this.firstSynMs
        ? this.answeredSynMs - this.firstSynMs
        : 0;
    return {
      vantage: this.vantage ?? "unknown",
      rttMs: this.rttMs ?? 0,
      waitRttMs: this.rttMs ?? 0,
      synRetryWaitMs,
      synAnswered: this.synAckSeen,
      tlsRoundTrips: session?.handshakeRoundTrips ?? 0,
      tlsClientMs: 0,
    };
  }

  /**
   * The round trip the request itself measured, when it tells more than the handshake's: the
   * server's pure ACK of the request's last byte, before any response byte, came back
   * `ackRttMs` after it. A delayed ACK can hold that ACK back by up to DELAYED_ACK_MAX_MS, so
   * only an ACK later than the handshake's RTT by more than that proves the path itself had grown
   * slower (queueing, a congested or rerouted path): then the wait's network share is that round
   * trip, not the handshake's. Otherwise the handshake's RTT stands.
   */
  private requestAckRttMs(req: Side, res: Side, rttMs: number): number {
    const r = this.reassembler;
    if (r === undefined || req.endOffsetBytes === undefined || req.endOffsetBytes <= 0) {
      return rttMs;
    }
    const point = this.requestAckPoint;
    if (!r.ackCovering(0, req.endOffsetBytes, point)) return rttMs;
    if (point.frame >= res.firstFrame || point.timeMs < req.lastMs) return rttMs;
    const ackRttMs = point.timeMs - req.lastMs;
    if (ackRttMs < rttMs && this.ambiguousHandshakeRtt()) {
      // The request's ACK bounds the round trip from above: the smaller sample is the path's.
      this.rttMs = Math.round(ackRttMs * 1e6) / 1e6;
      return this.rttMs;
    }
    return ackRttMs > rttMs + DELAYED_ACK_MAX_MS ? ackRttMs : rttMs;
  }

  /**
   * After a resent SYN the handshake's sample is ambiguous even paired with the last SYN (Karn):
   * a server that queued the first SYN, or a SYN/ACK that was itself resent, answers late. At the
   * client, a request's ACK then measures the path better.
   */
  private ambiguousHandshakeRtt(): boolean {
    return this.answeredSynMs > this.firstSynMs && this.vantage === "client-side";
  }

  private readonly requestAckPoint: AckPoint = { frame: 0, timeMs: 0, ackOffsetBytes: 0 };

  /**
   * Vantage, RTT and endpoint texts, taken from the tcp stage once: at the first exchange built,
   * or when the connection ends (its facts are still there then).
   */
  private decideCharging(): void {
    if (this.vantage === undefined) this.decideVantage();
    if (this.clientText === "") {
      this.clientText = this.endpointText(true);
      this.serverText = this.endpointText(false);
    }
  }

  /** The tcp stage's vantage and RTT for this connection, as they stand now. */
  private decideVantage(): void {
    const c = this.conn;
    if (c === undefined) {
      this.vantage = "unknown";
      return;
    }
    this.vantage = connectionVantage(c, this.clientIsA).kind;
    if (c.firstRttNs >= 0) {
      this.rttMs = Math.round(c.firstRttNs) / 1e6;
    } else {
      const toServer = this.clientIsA ? c.ab : c.ba;
      const toClient = this.clientIsA ? c.ba : c.ab;
      const rtt = toServer.ackRtt.count > 0 ? toServer.ackRtt : toClient.ackRtt;
      this.rttMs = rtt.count > 0 ? Math.round(rtt.minNs) / 1e6 : null;
    }
  }

  private endpointText(client: boolean): string {
    const c = this.conn;
    if (c === undefined) return "";
    const a = client === this.clientIsA;
    return `${c.address(a)} ${a ? c.portA : c.portB}`;
  }

  private addressOf(client: boolean): string {
    return this.conn?.address(client === this.clientIsA) ?? "";
  }

  // ── the exchange waiting for its ACK ──

  private hold(exchange: Exchange, responseEndOffset: number): void {
    this.releaseHeld();
    if (responseEndOffset < 0 || exchange.response === null || this.reassembler === undefined) {
      this.emitter.emit(exchange);
      return;
    }
    this.held = exchange;
    this.heldAckOffset = responseEndOffset;
    this.releaseHeldIfAcked();
  }

  private releaseHeldIfAcked(): void {
    const r = this.reassembler;
    if (r === undefined || this.held === undefined) return;
    if (r.ackCovering(1, this.heldAckOffset, this.ackPoint)) this.releaseHeld();
  }

  private releaseHeld(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    const r = this.reassembler;
    if (held.response !== null && r?.ackCovering(1, this.heldAckOffset, this.ackPoint)) {
      held.response.ackFrame = this.ackPoint.frame;
    }
    this.emitter.emit(held);
  }

  /**
   * The last response was sent but never acknowledged, and the client closed its side (its FIN,
   * acknowledging less than the response): it went
   * without the whole response (a path that dropped the body, a client that gave up waiting).
   * At the sender the response "ended" at its last send; for the client it never did: the
   * exchange runs to the client's close, that time is the network's (the bytes were in flight),
   * and it failed.
   */
  private undelivered(): void {
    const held = this.held;
    const r = this.reassembler;
    if (held === undefined || held.response === null || r === undefined) return;
    // Its own FIN (a reset ends both directions, whoever sent it).
    if (this.clientEndReason !== "fin") return;
    if (r.ackCovering(1, this.heldAckOffset, this.ackPoint)) return;
    const end = held.startMs + held.durationMs;
    const extraMs = Math.round((this.clientEndMs - end) * 1e6) / 1e6;
    const last = held.phases[held.phases.length - 1];
    if (last === undefined || !(extraMs > 0)) return;
    last.durationMs = Math.round((last.durationMs + extraMs) * 1e6) / 1e6;
    last.charges.network = Math.round(((last.charges.network ?? 0) + extraMs) * 1e6) / 1e6;
    if ((last.charges.network ?? 0) * 2 >= last.durationMs) last.layer = "network";
    last.frames = [last.frames[0] ?? this.clientEndFrame, this.clientEndFrame];
    held.durationMs = Math.round((held.durationMs + extraMs) * 1e6) / 1e6;
    held.outcome = this.rstFrame > 0 ? "reset" : "no-response";
  }

  /** Emits what is left and drops the parsers: requests without responses, unpaired turns. */
  private close(): void {
    if (this.closed) return;
    // The end of the streams made the parsers report their last messages (above); what is still
    // unpaired gets no response.
    while (this.pendingRequests.length > 0) {
      this.emitHttp(this.pendingRequests.shift() as HttpMessage, null);
    }
    while (this.earlyResponses.length > 0) {
      this.emitHttp(null, this.earlyResponses.shift() as HttpMessage);
    }
    if (this.pendingTurn !== undefined) {
      const t = this.pendingTurn;
      this.pendingTurn = undefined;
      this.emitTurns(t, null);
    }
    this.undelivered();
    this.releaseHeld();
    this.closed = true;
    this.dnsTracker?.finish();
    this.dnsTracker = undefined;
    this.reassembler = undefined;
    this.dispatcher = undefined;
    this.turns = undefined;
  }
}

/** Printable ASCII only (a command's argument, not binary bytes of a protocol's frame). */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** The bytes hold an empty line: an HTTP/1 head ends inside them (RFC 9112 §2.1). */
function hasHeadEnd(b: Uint8Array): boolean {
  for (let i = 3; i < b.length; i++) {
    if (b[i] === 0x0a && b[i - 1] === 0x0d && b[i - 2] === 0x0a && b[i - 3] === 0x0d) return true;
  }
  return false;
}

/**
 * The longest TLS record that is only an encrypted alert: 2 bytes of alert, the inner content type
 * and a 16-byte AEAD tag (RFC 8446 §5.2), after the 5-byte header.
 */
const ENCRYPTED_ALERT_RECORD_BYTES = 5 + 2 + 1 + 16;

function isAlertSizedTurn(t: TurnMessage): boolean {
  return t.units === 1 && t.gapBytes === 0 && t.bytes <= ENCRYPTED_ALERT_RECORD_BYTES;
}

/**
 * The end of the tls phase (which ends at `endMs`) that the server spent waiting for the client:
 * from the last byte of its last handshake flight on. At a client-side or loopback capture that
 * gap is the client's alone; elsewhere it holds the round trip to the client and back, which
 * stays the network's.
 */
function tlsClientMs(s: TlsSessionMessage, endMs: number, ctx: ChargeContext): number {
  const atClient = ctx.vantage === "client-side" || ctx.vantage === "loopback";
  // Inside the handshake: each client flight's wait on itself (a certificate chosen: 5 s in
  // client-certificate.pcap), less the round trip a capture away from the client sees in it.
  const midMs = Math.max(
    0,
    s.clientFlightWaitMs - (atClient ? 0 : ctx.rttMs * s.clientFlightWaits),
  );
  if (s.serverHandshakeEndFrame < 0 || s.serverHandshakeEndTimeMs >= endMs) return midMs;
  const gapMs = endMs - s.serverHandshakeEndTimeMs;
  return midMs + Math.max(0, atClient ? gapMs : gapMs - ctx.rttMs);
}

function httpSide(m: HttpMessage): Side {
  return {
    bytes: m.headerBytes + m.bodyBytes,
    firstFrame: m.firstFrame,
    firstMs: m.firstTimeMs,
    lastFrame: m.lastFrame,
    lastMs: m.lastTimeMs,
    endOffsetBytes: m.endOffsetBytes,
  };
}

function turnSide(t: TurnMessage): Side {
  return {
    bytes: t.bytes,
    firstFrame: t.firstFrame,
    firstMs: t.firstTimeMs,
    lastFrame: t.lastFrame,
    lastMs: t.lastTimeMs,
    endOffsetBytes: t.endOffsetBytes,
  };
}

function tlsFacts(s: TlsSessionMessage): ExchangeTls {
  return {
    serverName: s.serverName,
    alpnOffered: s.alpnOffered,
    alpn: s.alpn,
    version: s.version,
    versionName: s.version > 0 ? tlsVersionName(s.version) : "",
    resumed: s.resumed,
    handshakeRoundTrips: s.handshakeRoundTrips,
    handshakeComplete: s.handshakeComplete,
    clientWaitMs: Math.round(s.clientFlightWaitMs * 1e6) / 1e6,
  };
}
