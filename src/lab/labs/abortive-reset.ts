/**
 * Lab: an abortive close. The server app reads the request and then resets the connection on
 * purpose with socket.resetAndDestroy() (SO_LINGER {on, 0} then close(): RFC 9293 §3.10.5 ABORT),
 * as proxies and servers do on an internal error or a deadline. The kernel sends RST at once.
 */
import http from "node:http";
import { TcpFlag } from "../../decode/types.ts";
import {
  coversTimer,
  fromPort,
  hasFlags,
  resets,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const HANDLER_MS = 30;

export const abortiveReset: Lab = {
  name: "abortive-reset",
  title: "the server app aborts the connection (resetAndDestroy): RST instead of a response",
  layer: "server-app",
  kind: "abortive-reset",
  needsRoot: false,
  timeLimitMs: 10_000,
  captureNotes: "loopback; cost = request -> the server's RST (the handler's 30 ms)",
  lesson: `The server reads the whole request, works for ${HANDLER_MS} ms, then aborts the connection:
socket.resetAndDestroy() in Node, SO_LINGER {1, 0} + close() in C, a proxy killing an upstream
request at its deadline.
At each layer:
- server app: chose to abort; no response bytes are sent.
- server OS: sends RST at once (RFC 9293 ABORT); there was no unread data, so this RST is not
  the kernel's protest about a careless close but the app's own decision.
- client: ECONNRESET ("socket hang up") after the server's think time, with nothing received.
How to recognise it: the request is fully ACKed, then after a pause the server sends RST with no
FIN and no response data before it. Retrying blindly may repeat a non-idempotent request: look in
the server's logs at the moment of the RST for the error or timeout that made it abort.`,

  // From the request to the reset that ended it.
  expectedCost(packets) {
    const port = serverPort(packets);
    const start = withPayload(toPort(packets, port))[0];
    const rst = resets(fromPort(packets, port))[0];
    const costMs = start && rst ? rst.timeMs - start.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("clientError", String(result.errorCode || `HTTP ${result.status}`));
    ctx.fact("handlerMs", HANDLER_MS);
  },

  check(packets) {
    const port = serverPort(packets);
    const fromServer = fromPort(packets, port);
    const rst = resets(fromServer)[0];
    const request = withPayload(toPort(packets, port))[0];
    const lastRequestByte = request ? request.seq + request.payloadLenBytes : -1;
    return [
      {
        name: "the server sent RST",
        ok: rst !== undefined,
        detail: rst ? `frame ${rst.frame}` : "none",
      },
      {
        name: "no response data and no FIN from the server before it",
        ok:
          rst !== undefined &&
          fromServer.every(
            (p) => p.frame >= rst.frame || (p.payloadLenBytes === 0 && !hasFlags(p, TcpFlag.FIN)),
          ),
        detail: `${withPayload(fromServer).length} data segments from the server`,
      },
      {
        name: "the request had been read whole (the RST acknowledges all of it)",
        ok:
          rst !== undefined &&
          request !== undefined &&
          rst.seq !== 0 &&
          rst.ack === lastRequestByte,
        detail: rst && request ? `RST ack ${rst.ack}, request ends at ${lastRequestByte}` : "-",
      },
      {
        name: `the RST came after the handler's ${HANDLER_MS} ms`,
        ok:
          rst !== undefined &&
          request !== undefined &&
          coversTimer(rst.timeMs - request.timeMs, HANDLER_MS),
        detail: rst && request ? `${(rst.timeMs - request.timeMs).toFixed(1)} ms` : "-",
      },
    ];
  },

  agents: {
    async server(params, io) {
      const server = http.createServer((req) => {
        req.resume();
        req.on("end", () => setTimeout(() => req.socket.resetAndDestroy(), HANDLER_MS));
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        agent: false,
        timeoutMs: 5000,
      });
      return { errorCode: outcome.errorCode, status: outcome.status };
    },
  },
};
