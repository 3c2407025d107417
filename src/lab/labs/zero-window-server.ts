/**
 * Lab: a server that stops reading an upload. The client POSTs 1 MiB; the handler does not read
 * the body for PAUSE_MS (it waits for something else first). The server's receive buffer fills,
 * its window falls to 0, and the client's kernel sends window probes until the handler reads.
 */
import http from "node:http";
import { fromPort, serverPort } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import { capReceiveBuffer } from "../netns.ts";
import type { Lab } from "../types.ts";
import { ZERO_WINDOW_RMEM_BYTES, zeroWindowChecks, zeroWindowSpan } from "./zero-window-client.ts";

const UPLOAD_BYTES = 1024 * 1024;
const PAUSE_MS = 1000;

export const zeroWindowServer: Lab = {
  name: "zero-window-server",
  title: "a server that does not read a 1 MiB upload for 1 s: it advertises a zero window",
  layer: "server-app",
  kind: "zero-window",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback in a namespace, MTU 1500, receive buffers capped at 256 KiB; cost = first zero window -> window update",
  lesson: `The client uploads 1 MiB; the server's handler does not read the body for ${PAUSE_MS} ms
(it waits on a database, a lock, or pauses the stream for back-pressure).
At each layer:
- server OS: fills the socket's receive buffer, then advertises window 0.
- client OS: stops sending and probes the window (persist timer) until it reopens; the client
  app sees a write that does not complete, and may time out.
- network: idle; nothing is lost.
- server app: the cause. When it reads, its kernel sends a window update and the upload resumes.
How to recognise it: "TCP ZeroWindow" from the server's side during an upload, zero-window probes
from the client, a window update when the handler starts reading. It is not the client's or the
network's slowness: look at what the handler does before it consumes the body.`,

  expectedCost(packets) {
    const costMs = zeroWindowSpan(fromPort(packets, serverPort(packets))).closedMs;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    if (net.server.netns !== undefined) capReceiveBuffer(net.server.netns, ZERO_WINDOW_RMEM_BYTES);
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 96);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("pauseMs", PAUSE_MS);
    ctx.fact("status", Number(result.status));
    ctx.fact("uploadMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    return zeroWindowChecks(fromPort(packets, serverPort(packets)), "server", PAUSE_MS);
  },

  agents: {
    async server(params, io) {
      const server = http.createServer((req, res) => {
        req.pause();
        setTimeout(() => {
          let bytes = 0;
          req.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          req.on("end", () => res.end(`${bytes}\n`));
          req.resume();
        }, PAUSE_MS);
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        method: "POST",
        path: "/upload",
        agent: false,
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(UPLOAD_BYTES),
        timeoutMs: 10_000,
      });
      if (!outcome.ok) throw new Error(`upload failed: ${outcome.errorCode}`);
      return { status: outcome.status, elapsedMs: outcome.elapsedMs };
    },
  },
};
