/**
 * HTTP/1.1 requests with Node's http client on a connection the probe opened itself (so DNS,
 * connect and TLS were timed apart). A one-socket keep-alive Agent hands that socket to every
 * request, which is how --reuse sends the next request on the same connection.
 *
 * Moments: "sent" is the request's 'finish' (its bytes were handed to the kernel), "first byte"
 * the first 'data' on the socket (after TLS decryption, as curl's time_starttransfer), "end" the
 * response's 'end'.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from "node:http";
import type { Socket } from "node:net";
import { currentPhase, type ExchangeMoments, type ExchangeOutcome } from "./exchange-outcome.ts";

class OneSocketAgent extends Agent {
  constructor(private readonly socket: Socket) {
    super({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  }
  override createConnection(): Socket {
    return this.socket;
  }
}

export interface RequestSpec {
  method: "GET" | "HEAD";
  path: string;
  authority: string;
  scheme: "http" | "https";
  timeoutMs: number;
}

export const USER_AGENT = "wirewhy-probe/0.1";

export class Http1Connection {
  private readonly agent: OneSocketAgent;
  private sawEnd = false;
  private sawReset = false;

  constructor(readonly socket: Socket) {
    this.agent = new OneSocketAgent(socket);
    socket.on("end", () => {
      this.sawEnd = true;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") this.sawReset = true;
    });
  }

  /** False once the server closed or reset the connection, or it was destroyed. */
  usable(): boolean {
    return !this.socket.destroyed && !this.sawEnd && !this.sawReset;
  }

  request(spec: RequestSpec): Promise<ExchangeOutcome> {
    const moments: ExchangeMoments = {
      startAt: performance.now(),
      sentAt: null,
      firstByteAt: null,
      endAt: null,
    };
    return new Promise<ExchangeOutcome>((resolve) => {
      let status: number | null = null;
      let responseBytes = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (code: string, message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.socket.off("data", onFirstData);
        const failedAt = performance.now();
        const phase = currentPhase(moments);
        req.destroy();
        this.socket.destroy();
        resolve({
          ok: false,
          moments,
          phase,
          code,
          message,
          status,
          httpVersion: "1.1",
          responseBytes,
          failedAt,
        });
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const phase = currentPhase(moments);
          fail("ETIMEDOUT", `${PHASE_WORDS[phase]} took longer than ${spec.timeoutMs} ms`);
        }, spec.timeoutMs);
      };
      const onFirstData = () => {
        this.socket.off("data", onFirstData);
        if (moments.firstByteAt !== null) return;
        moments.firstByteAt = performance.now();
        // A server may answer before it has read the whole request (an early error).
        if (moments.sentAt === null) moments.sentAt = moments.firstByteAt;
        arm();
      };
      const lostConnection = (error?: NodeJS.ErrnoException) => {
        // Node reports a FIN before the response as ECONNRESET "socket hang up"; a real RST
        // reaches the socket first as "read ECONNRESET".
        const hangUp = error?.message === "socket hang up" && !this.sawReset;
        if (this.sawReset || (error?.code === "ECONNRESET" && !hangUp)) {
          fail("ECONNRESET", "the connection was reset (a TCP RST arrived)");
        } else if (error?.code && !hangUp && error.message !== "aborted") {
          fail(error.code, error.message);
        } else {
          fail("ECLOSED", "the server closed the connection before the response was complete");
        }
      };
      const req: ClientRequest = request(
        {
          agent: this.agent,
          method: spec.method,
          path: spec.path,
          setHost: false,
          headers: { host: spec.authority, "user-agent": USER_AGENT, accept: "*/*" },
        },
        (res: IncomingMessage) => {
          status = res.statusCode ?? null;
          onFirstData();
          res.on("data", (chunk: Buffer) => {
            responseBytes += chunk.length;
          });
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            this.socket.off("data", onFirstData);
            moments.endAt = performance.now();
            resolve({
              ok: true,
              moments,
              status: status ?? 0,
              httpVersion: "1.1",
              responseBytes,
              closing: res.headers.connection?.toLowerCase() === "close",
            });
          });
          res.on("error", (error: NodeJS.ErrnoException) => lostConnection(error));
          res.on("close", () => {
            if (!res.complete) lostConnection();
          });
        },
      );
      this.socket.prependListener("data", onFirstData);
      req.on("finish", () => {
        if (moments.sentAt !== null) return;
        moments.sentAt = performance.now();
        arm();
      });
      req.on("error", (error: NodeJS.ErrnoException) => lostConnection(error));
      arm();
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.socket.destroy();
  }
}

const PHASE_WORDS = {
  send: "sending the request",
  wait: "waiting for the first response byte",
  download: "receiving the response",
} as const;
