/**
 * HTTP/1.0 and 1.1 over one TCP connection: requests from the client, responses from the
 * server, paired first-in first-out (RFC 9112 §9.3.2: responses come in the order of the requests,
 * which is what makes pipelining work). The pairing also decides response framing: a response to
 * HEAD has no body, a 2xx to CONNECT opens a tunnel (RFC 9110 §9.3.6, §6.4.1).
 *
 * Protocol switches stop HTTP/1 parsing and say so: 101 Switching Protocols (RFC 9110 §15.2.2) to
 * "h2c" hands both directions to the HTTP/2 parser (RFC 7540 §3.2); to anything else (websocket,
 * Docker's raw "tcp" stream) and CONNECT tunnels, the bytes are only counted.
 */

import { FifoQueue } from "../fifo-queue.ts";
import { Http2Parser } from "../http2/http2-parser.ts";
import { startsWithAscii } from "../latin1.ts";
import type { ProtoSink, StreamConsumer, StreamDir, StreamEndReason } from "../types.ts";
import type { HttpHead } from "./http1-head.ts";
import type { HttpBodyFraming, HttpMessage } from "./http1-message.ts";
import { Http1Reader, type Http1ReaderHost, ReaderState } from "./http1-reader.ts";

/** What a direction's bytes are, once HTTP/1 has handed them on. */
export type Http1Mode = "http1" | "http2" | "tunnel";

interface PendingRequest {
  index: number;
  method: string;
  /** The request asked for a protocol switch (Upgrade or CONNECT). */
  upgrade: string;
}

/** `count` requests awaiting responses, indexes index..index+count-1, all of one method. */
interface PendingRun extends PendingRequest {
  count: number;
}

/**
 * Requests awaiting their responses, oldest first, as runs of consecutive requests of one method
 * (a pipelining client sends the same GET after GET): a client far ahead of its answers costs a
 * few runs, not an entry per request, and each response takes its request in O(1).
 */
export class PendingRequests {
  private readonly runs = new FifoQueue<PendingRun>();
  /** Requests waiting, over all runs. */
  length = 0;
  /** The newest run, which the next request of its method extends. */
  private last: PendingRun | undefined = undefined;

  /** Runs held (for tests of the bound). */
  get runCount(): number {
    return this.runs.length;
  }

  push(index: number, method: string, upgrade: string): void {
    const last = this.last;
    this.length++;
    if (
      last !== undefined &&
      upgrade === "" &&
      last.upgrade === "" &&
      last.method === method &&
      last.index + last.count === index
    ) {
      last.count++;
      return;
    }
    const run: PendingRun = { index, method, upgrade, count: 1 };
    this.runs.push(run);
    this.last = run;
  }

  /** The oldest request, left waiting. */
  peek(): PendingRequest | undefined {
    const run = this.runs.peek();
    return run === undefined
      ? undefined
      : { index: run.index, method: run.method, upgrade: run.upgrade };
  }

  /** Takes the oldest request. */
  shift(): PendingRequest | undefined {
    const run = this.runs.peek();
    if (run === undefined) return undefined;
    const request = { index: run.index, method: run.method, upgrade: run.upgrade };
    this.length--;
    run.index++;
    run.count--;
    if (run.count === 0) {
      this.runs.shift();
      if (this.last === run) this.last = undefined;
    }
    return request;
  }
}

export class Http1Parser implements StreamConsumer, Http1ReaderHost {
  wantsData = true;
  readonly mode: [Http1Mode, Http1Mode] = ["http1", "http1"];
  /** Bytes after a switch to a tunnel or unknown protocol, per direction. */
  readonly tunnelBytes: [number, number] = [0, 0];
  /** The protocol the connection switched to ("websocket", "h2c", "connect", ...), "" while none. */
  switchedTo = "";
  http2: Http2Parser | undefined;
  private readonly sink: ProtoSink;
  private readonly readers: [Http1Reader, Http1Reader];
  /** Requests awaiting their responses, oldest first (a pipelining client may be far ahead). */
  readonly pending = new PendingRequests();
  /** The verdict for a request that asked to switch: "" undecided, else "switch" / "stay". */
  private switchVerdict = "";
  private upgradeRequest: HttpMessage | undefined;

  constructor(sink: ProtoSink) {
    this.sink = sink;
    this.readers = [new Http1Reader(0, this), new Http1Reader(1, this)];
  }

  get requestReader(): Http1Reader {
    return this.readers[0];
  }

  get responseReader(): Http1Reader {
    return this.readers[1];
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    if (this.mode[dir] === "http1") {
      const used = this.readers[dir].feed(bytes, offset, frame, timeMs);
      if (used >= bytes.length) return;
      bytes = bytes.subarray(used);
      offset += used;
    }
    if (this.mode[dir] === "http2" && this.http2 !== undefined) {
      this.http2.onData(dir, bytes, offset, frame, timeMs);
    } else {
      this.tunnelBytes[dir] += bytes.length;
    }
  }

  /** The reader of `dir` when it is HTTP/1 and counts the next `len` bytes as body (countBody). */
  bodyCounter(dir: StreamDir, len: number): Http1Reader | undefined {
    if (this.mode[dir] !== "http1") return undefined;
    const reader = this.readers[dir];
    return reader.countsBody(len) ? reader : undefined;
  }

  /**
   * onData for bytes[start, end): a segment of body that the reader only counts needs no view of
   * its bytes (the usual case: most segments of a transfer are body).
   */
  onDataRange(
    dir: StreamDir,
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    if (
      this.mode[dir] === "http1" &&
      this.readers[dir].countBody(end - start, offset, frame, timeMs)
    ) {
      return;
    }
    this.onData(dir, bytes.subarray(start, end), offset, frame, timeMs);
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    if (this.mode[dir] === "http1") this.readers[dir].gap(offset, len, frame, timeMs);
    else if (this.mode[dir] === "http2" && this.http2 !== undefined)
      this.http2.onGap(dir, offset, len, frame, timeMs);
    else this.tunnelBytes[dir] += len;
  }

  onEnd(
    dir: StreamDir,
    reason: StreamEndReason,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    if (this.mode[dir] === "http1") this.readers[dir].end(reason, offset, frame, timeMs);
    else if (this.mode[dir] === "http2" && this.http2 !== undefined)
      this.http2.onEnd(dir, reason, offset, frame, timeMs);
  }

  // ── Http1ReaderHost ──

  onHead(reader: Http1Reader, head: HttpHead, m: HttpMessage): HttpBodyFraming {
    if (head.transferEncoding && head.contentLength >= 0) {
      // RFC 9112 §6.3 item 3: Transfer-Encoding overrides; both together may be smuggling.
      this.anomalyAt(reader, "http-content-length-with-transfer-encoding", m, "both present");
    }
    if (head.contentLengthInvalid) {
      this.anomalyAt(reader, "http-bad-content-length", m, "unusable Content-Length");
    }
    return reader.isRequest
      ? this.requestFraming(reader, head, m)
      : this.responseFraming(reader, head, m);
  }

  private requestFraming(reader: Http1Reader, head: HttpHead, m: HttpMessage): HttpBodyFraming {
    if (head.method === "PRI" && head.version === "HTTP/2.0") {
      // The HTTP/2 connection preface (RFC 9113 §3.4) parsed as a head: "PRI * HTTP/2.0\r\n\r\n".
      this.startHttp2(m.headerBytes, undefined);
      this.mode[0] = "http2";
      this.mode[1] = "http2";
      reader.count--;
      return "switch";
    }
    const asksSwitch = head.method === "CONNECT" ? "connect" : head.upgrade;
    this.pending.push(m.index, head.method, asksSwitch);
    if (asksSwitch !== "") {
      reader.switchPending = true;
      this.switchVerdict = "";
      this.upgradeRequest = m;
    }
    if (head.transferEncoding) {
      if (head.chunked) return "chunked";
      // RFC 9112 §6.3 item 4: a request whose last coding is not chunked cannot be framed.
      this.anomalyAt(reader, "http-bad-transfer-encoding", m, "request coding is not chunked");
      return "close";
    }
    return head.contentLength > 0 ? "content-length" : "none";
  }

  private responseFraming(reader: Http1Reader, head: HttpHead, m: HttpMessage): HttpBodyFraming {
    const status = head.status;
    m.informational = status >= 100 && status < 200 && status !== 101;
    const request = m.informational ? this.pending.peek() : this.pending.shift();
    if (request === undefined) {
      this.anomalyAt(reader, "http-response-without-request", m, `status ${status}`);
    } else {
      m.requestIndex = request.index;
      m.requestMethod = request.method;
    }
    if (m.informational) return "none";
    const method = request?.method ?? "";
    const switching =
      (status === 101 && head.upgrade !== "") ||
      (method === "CONNECT" && status >= 200 && status < 300);
    if (request !== undefined && request.upgrade !== "") {
      this.switchVerdict = switching ? "switch" : "stay";
      const requests = this.readers[0];
      if (!switching && requests.state === ReaderState.AWAIT_SWITCH)
        requests.state = ReaderState.START;
      if (!switching) requests.switchPending = false;
    }
    if (switching) {
      const to = method === "CONNECT" ? "connect" : head.upgrade.toLowerCase();
      this.switchTo(to);
      return "switch";
    }
    if (status === 101) {
      this.anomalyAt(reader, "http-switch-without-upgrade", m, "101 without Upgrade");
    }
    if (method === "HEAD" || status === 204 || status === 304) return "none";
    if (head.transferEncoding) return head.chunked ? "chunked" : "close";
    if (head.contentLength >= 0) return "content-length";
    return "close";
  }

  resolveSwitch(reader: Http1Reader, bytes: Uint8Array, at: number): void {
    if (this.switchVerdict === "switch") {
      reader.state = ReaderState.SWITCHED;
      return;
    }
    if (this.switchVerdict === "stay") {
      reader.state = ReaderState.START;
      return;
    }
    // Undecided: the client went on before the response was seen. More HTTP means it did not
    // switch (yet); anything else is the new protocol (an h2c client sends its preface).
    if (startsWithAscii(bytes, at, "PRI * HTTP/2.0")) {
      this.switchTo("h2c");
      reader.state = ReaderState.SWITCHED;
      return;
    }
    reader.state = ReaderState.START;
  }

  onMessage(_reader: Http1Reader, message: HttpMessage): void {
    // The HTTP/2 preface is no HTTP/1 request.
    if (message.method === "PRI" && message.version === "HTTP/2.0") return;
    this.sink.message(message);
  }

  anomaly(
    reader: Http1Reader,
    name: string,
    offsetBytes: number,
    frame: number,
    timeMs: number,
    detail: string,
  ): void {
    this.sink.anomaly({ name, dir: reader.dir, offsetBytes, frame, timeMs, detail });
  }

  private anomalyAt(reader: Http1Reader, name: string, m: HttpMessage, detail: string): void {
    this.anomaly(reader, name, m.startOffsetBytes, m.firstFrame, m.firstTimeMs, detail);
  }

  private switchTo(protocol: string): void {
    this.switchedTo = protocol;
    const requests = this.readers[0];
    if (requests.state === ReaderState.AWAIT_SWITCH || requests.state === ReaderState.START) {
      requests.state = ReaderState.SWITCHED;
    }
    requests.switchPending = false;
    if (protocol === "h2c") {
      this.startHttp2(0, this.upgradeRequest);
      this.mode[0] = "http2";
      this.mode[1] = "http2";
    } else {
      this.mode[0] = "tunnel";
      this.mode[1] = "tunnel";
    }
  }

  private startHttp2(prefaceBytesSeen: number, upgradeRequest: HttpMessage | undefined): void {
    if (this.http2 !== undefined) return;
    this.http2 = new Http2Parser(this.sink, { prefaceBytesSeen, upgradeRequest });
  }
}
