/**
 * HTTP/2 requests (after ALPN chose "h2") with Node's http2 client on the TLS connection the probe
 * opened. Moments: "sent" is the stream's 'ready' (nghttp2 accepted the HEADERS frame and the
 * session writes it in the same turn; http2 offers no later write callback), "first byte" the
 * response HEADERS frame ('response'), "end" the END_STREAM ('end').
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  constants as h2,
  connect as http2Connect,
} from "node:http2";
import type { TLSSocket } from "node:tls";
import { currentPhase, type ExchangeMoments, type ExchangeOutcome } from "./exchange-outcome.ts";
import { type RequestSpec, USER_AGENT } from "./http1-exchange.ts";

export class Http2Connection {
  private readonly session: ClientHttp2Session;
  private sawReset = false;
  private closed = false;
  private ready: Promise<void>;

  constructor(
    readonly socket: TLSSocket,
    authorityUrl: string,
  ) {
    this.session = http2Connect(authorityUrl, { createConnection: () => socket });
    this.session.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") this.sawReset = true;
    });
    this.session.on("close", () => {
      this.closed = true;
    });
    this.session.on("goaway", () => {
      this.closed = true;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") this.sawReset = true;
    });
    this.ready = new Promise((resolve) => {
      this.session.once("connect", () => resolve());
      this.session.once("close", () => resolve());
    });
  }

  usable(): boolean {
    return !this.closed && !this.sawReset && !this.session.destroyed && !this.socket.destroyed;
  }

  async request(spec: RequestSpec): Promise<ExchangeOutcome> {
    const moments: ExchangeMoments = {
      startAt: performance.now(),
      sentAt: null,
      firstByteAt: null,
      endAt: null,
    };
    await this.ready;
    return new Promise<ExchangeOutcome>((resolve) => {
      let status: number | null = null;
      let responseBytes = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let stream: ClientHttp2Stream | undefined;
      const fail = (code: string, message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const failedAt = performance.now();
        stream?.close(h2.NGHTTP2_CANCEL);
        resolve({
          ok: false,
          moments,
          phase: currentPhase(moments),
          code,
          message,
          status,
          httpVersion: "2",
          responseBytes,
          failedAt,
        });
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            fail(
              "ETIMEDOUT",
              `the ${currentPhase(moments)} phase took longer than ${spec.timeoutMs} ms`,
            ),
          spec.timeoutMs,
        );
      };
      arm();
      if (!this.usable()) {
        fail(
          this.sawReset ? "ECONNRESET" : "ECLOSED",
          "the HTTP/2 session ended before the request",
        );
        return;
      }
      try {
        stream = this.session.request(
          {
            [h2.HTTP2_HEADER_METHOD]: spec.method,
            [h2.HTTP2_HEADER_PATH]: spec.path,
            [h2.HTTP2_HEADER_SCHEME]: spec.scheme,
            [h2.HTTP2_HEADER_AUTHORITY]: spec.authority,
            "user-agent": USER_AGENT,
            accept: "*/*",
          },
          { endStream: true },
        );
      } catch (error) {
        const err = error as NodeJS.ErrnoException;
        fail(err.code ?? "EHTTP2", err.message);
        return;
      }
      stream.once("ready", () => {
        moments.sentAt = performance.now();
        arm();
      });
      stream.once("response", (headers) => {
        moments.firstByteAt = performance.now();
        if (moments.sentAt === null) moments.sentAt = moments.firstByteAt;
        status = Number(headers[h2.HTTP2_HEADER_STATUS]);
        arm();
      });
      stream.on("data", (chunk: Buffer) => {
        responseBytes += chunk.length;
      });
      stream.once("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        moments.endAt = performance.now();
        resolve({
          ok: true,
          moments,
          status: status ?? 0,
          httpVersion: "2",
          responseBytes,
          closing: !this.usable(),
        });
      });
      stream.once("error", (error: NodeJS.ErrnoException) => {
        if (this.sawReset) fail("ECONNRESET", "the connection was reset (a TCP RST arrived)");
        else fail(error.code ?? "EHTTP2", error.message);
      });
      stream.once("close", () => {
        if (settled) return;
        if (this.sawReset) fail("ECONNRESET", "the connection was reset (a TCP RST arrived)");
        else if (stream && stream.rstCode !== h2.NGHTTP2_NO_ERROR) {
          fail(
            `H2_RST_STREAM_${stream.rstCode}`,
            `the server reset the stream (RST_STREAM error code ${stream.rstCode})`,
          );
        } else fail("ECLOSED", "the server closed the stream before the response was complete");
      });
    });
  }

  close(): void {
    this.session.destroy();
    this.socket.destroy();
  }
}
