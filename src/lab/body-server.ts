/**
 * The server agent of the download labs (loss, bottleneck, receive window, slow reader): an HTTP
 * server that answers every request with the same body of `bytes` bytes, reading and discarding
 * any request body, on a free port of `params.host`.
 */
import http from "node:http";
import { forever, listenOnFreePort } from "./listen.ts";
import type { AgentMain } from "./types.ts";

/** `fill` makes each lab's body recognisable in a hex dump (0x61 'a', 0x62 'b', …). */
export function bodyServer(bytes: number, fill: number): AgentMain {
  return async (params, io) => {
    const body = Buffer.alloc(bytes, fill);
    const server = http.createServer((req, res) => {
      req.resume();
      res.setHeader("content-length", body.length);
      res.end(body);
    });
    io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
    return forever();
  };
}
