/**
 * The parser of one TCP connection, chosen when its first bytes arrive (protocol-sniff.ts) and
 * only if someone asked for that protocol: otherwise `wantsData` turns false and the reassembler
 * stops buffering and delivering, so unknown flows cost nothing past their first segment.
 */
import { DnsTcpParser } from "./dns/dns-tcp-parser.ts";
import type { DnsTracker } from "./dns/dns-tracker.ts";
import { Http1Parser } from "./http1/http1-parser.ts";
import type { Http1Reader } from "./http1/http1-reader.ts";
import { Http2Parser } from "./http2/http2-parser.ts";
import { type StreamProtocol, sniffStreamProtocol } from "./protocol-sniff.ts";
import { TlsParser } from "./tls/tls-parser.ts";
import { GenericTurnParser } from "./turns/generic-turns.ts";
import type { ProtoSink, StreamConsumer, StreamDir, StreamEndReason } from "./types.ts";

export interface DispatchOptions {
  sink: ProtoSink;
  /** Protocols to parse; the rest are ignored. */
  protocols: ReadonlySet<StreamProtocol>;
  serverPort: number;
  /** For DNS over TCP: the shared tracker and the connection's ends ("address port"). */
  dns?: DnsTracker;
  client?: string;
  server?: string;
}

export class ProtocolDispatcher implements StreamConsumer {
  /** The protocol chosen; undefined until the first bytes. */
  protocol: StreamProtocol | undefined;
  parser: StreamConsumer | undefined;
  /** The parser when it is HTTP/1's, which counts body bytes from ranges without a view. */
  private http1: Http1Parser | undefined;
  private readonly options: DispatchOptions;
  private ignored = false;

  constructor(options: DispatchOptions) {
    this.options = options;
  }

  /** The reader of `dir` when HTTP/1 parses it and it only counts the next `len` bytes. */
  bodyCounter(dir: StreamDir, len: number): Http1Reader | undefined {
    return this.http1?.bodyCounter(dir, len);
  }

  get wantsData(): boolean {
    if (this.ignored) return false;
    return this.parser === undefined || this.parser.wantsData;
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    if (this.parser === undefined && !this.choose(dir, bytes)) return;
    this.parser?.onData(dir, bytes, offset, frame, timeMs);
  }

  /** onData for bytes[start, end); a view is made only for a parser that needs the bytes. */
  onDataRange(
    dir: StreamDir,
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    const http1 = this.http1;
    if (http1 !== undefined) http1.onDataRange(dir, bytes, start, end, offset, frame, timeMs);
    else this.onData(dir, bytes.subarray(start, end), offset, frame, timeMs);
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    this.parser?.onGap(dir, offset, len, frame, timeMs);
  }

  onEnd(
    dir: StreamDir,
    reason: StreamEndReason,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    this.parser?.onEnd(dir, reason, offset, frame, timeMs);
  }

  private choose(dir: StreamDir, bytes: Uint8Array): boolean {
    const o = this.options;
    const protocol = sniffStreamProtocol(dir, bytes, o.serverPort);
    this.protocol = protocol;
    if (!o.protocols.has(protocol)) {
      this.ignored = true;
      return false;
    }
    switch (protocol) {
      case "http1":
        this.http1 = new Http1Parser(o.sink);
        this.parser = this.http1;
        break;
      case "http2":
        this.parser = new Http2Parser(o.sink);
        break;
      case "tls":
        this.parser = new TlsParser(o.sink);
        break;
      case "dns":
        if (o.dns === undefined) {
          this.ignored = true;
          return false;
        }
        this.parser = new DnsTcpParser(o.dns, o.client ?? "", o.server ?? "");
        break;
      default:
        this.parser = new GenericTurnParser(o.sink);
    }
    return true;
  }
}
