/**
 * One HTTP/1.1 request from a lab client, timed from the call to the end of the response body.
 * Errors are data here: a lab client records what failed (ECONNRESET, ECONNREFUSED) as a fact.
 */
import http from "node:http";

export interface HttpOutcome {
  ok: boolean;
  status: number;
  /** Node's error code when the request failed ("ECONNRESET"), "" otherwise. */
  errorCode: string;
  bodyBytes: number;
  elapsedMs: number;
}

export interface HttpRequestOptions {
  host: string;
  port: number;
  path?: string;
  method?: string;
  agent?: http.Agent | false;
  headers?: Record<string, string>;
  /** Request body, written in one call. */
  body?: Uint8Array;
  timeoutMs: number;
  /** A resolver instead of the system's (the slow-DNS lab). */
  lookup?: http.RequestOptions["lookup"];
}

export function httpRequest(options: HttpRequestOptions): Promise<HttpOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<HttpOutcome, "elapsedMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, elapsedMs: performance.now() - started });
    };
    const req = http.request(
      {
        host: options.host,
        port: options.port,
        path: options.path ?? "/",
        method: options.method ?? "GET",
        agent: options.agent,
        headers: options.headers,
        lookup: options.lookup,
        timeout: options.timeoutMs,
      },
      (res) => {
        let bodyBytes = 0;
        res.on("data", (chunk: Buffer) => {
          bodyBytes += chunk.length;
        });
        res.on("end", () =>
          finish({ ok: true, status: res.statusCode ?? 0, errorCode: "", bodyBytes }),
        );
        res.on("error", (error: NodeJS.ErrnoException) =>
          finish({
            ok: false,
            status: res.statusCode ?? 0,
            errorCode: error.code ?? "ERROR",
            bodyBytes,
          }),
        );
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ ok: false, status: 0, errorCode: error.code ?? "ERROR", bodyBytes: 0 }),
    );
    req.end(options.body);
  });
}
