/**
 * Lab: the keep-alive reuse race. The server closes idle keep-alive connections after
 * KEEP_ALIVE_TIMEOUT_MS; the client's agent keeps idle sockets longer and reuses one just as the
 * server closes it. The request goes out on a connection whose other end is gone: the server's
 * app has closed the socket, so its kernel cannot deliver the data and resets the connection
 * (Linux tcp_rcv_state_process(), counted as TCPAbortOnData), and the client gets ECONNRESET on a
 * request it believes it sent correctly.
 */
import http from "node:http";
import net from "node:net";
import { TcpFlag } from "../../decode/types.ts";
import {
  fromPort,
  hasFlags,
  payloadText,
  resets,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** The client reuses the socket this long after the response: past the server's timeout. */
const CLIENT_IDLE_MS = 1100;

export const keepAliveReuseRace: Lab = {
  name: "keep-alive-reuse-race",
  title: "a pooled connection reused just as the server's keep-alive timeout closes it: ECONNRESET",
  layer: "client-app",
  kind: "keep-alive-reuse-race",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes: "loopback; cost = reused request -> RST (~0: an instant failure)",
  lesson: `The server closes idle keep-alive connections after ${KEEP_ALIVE_TIMEOUT_MS} ms (Node's default is 5 s;
many load balancers use 60 s). The client's pool keeps idle sockets longer and sends its next
request on one after ${CLIENT_IDLE_MS} ms of idleness.
At each layer:
- server app: its keep-alive timer fires and closes the socket: FIN.
- client OS: received that FIN, but the client app had not yet processed it, so the socket still
  looked reusable. (On a real path the FIN and the request cross in flight; on loopback there is
  no flight time, so this lab keeps the client's event loop busy while the FIN arrives.)
- server OS: data arrives for a socket its app has closed; it cannot be delivered, so the
  kernel answers with RST (counted as TcpExtTCPAbortOnData).
- client app: ECONNRESET / "socket hang up" on a request that never reached any handler.
How to recognise it: a request sent on an old connection right after (or crossing) the
server's FIN, answered by RST; the idle time before it is at least the server's keep-alive
timeout. Fix: client idle timeout shorter than the server's keep-alive timeout (agent
freeSocketTimeout / keepAliveMsecs), or retry idempotent requests once on a reused socket.`,

  // From the reused request to the reset: the failure itself is instant.
  expectedCost(packets) {
    const port = serverPort(packets);
    const reused = withPayload(toPort(packets, port))[1];
    const rst = resets(fromPort(packets, port))[0];
    const costMs = reused && rst ? rst.timeMs - reused.timeMs : 0;
    return { costMs, toleranceMs: 20 };
  },

  async run(ctx) {
    const where = ctx.loopback();
    const server = ctx.agent("server", where.server, { host: where.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(where.client, `tcp port ${port}`, 300);
    const client = ctx.agent("client", where.client, { host: where.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("serverKeepAliveMs", KEEP_ALIVE_TIMEOUT_MS);
    ctx.fact("clientIdleMs", CLIENT_IDLE_MS);
    ctx.fact("secondRequest", String(result.secondError || `HTTP ${result.secondStatus}`));
  },

  check(packets) {
    const port = serverPort(packets);
    const requests = withPayload(toPort(packets, port)).filter((p) =>
      payloadText(p).startsWith("GET "),
    );
    const serverFin = fromPort(packets, port).find((p) => hasFlags(p, TcpFlag.FIN));
    const reused = requests[1];
    const rst = resets(fromPort(packets, port))[0];
    return [
      {
        name: "two requests on the same connection",
        ok:
          requests.length === 2 && reused !== undefined && reused.srcPort === requests[0]!.srcPort,
        detail: requests.map((r) => `frame ${r.frame} from port ${r.srcPort}`).join(", "),
      },
      {
        name: "the server closed the idle connection (FIN) before the second request",
        ok: serverFin !== undefined && reused !== undefined && serverFin.frame < reused.frame,
        detail:
          serverFin && requests[0]
            ? `FIN at frame ${serverFin.frame}, ${(serverFin.timeMs - requests[0].timeMs).toFixed(0)} ms after the first request`
            : "no FIN",
      },
      {
        name: "the server's kernel answered the second request with RST",
        ok: rst !== undefined && reused !== undefined && rst.frame > reused.frame,
        detail: rst ? `RST at frame ${rst.frame}` : "no RST",
      },
    ];
  },

  agents: {
    // A minimal HTTP/1.1 server that, like many proxies and load balancers, closes idle
    // connections without announcing its timeout. (Node's own http server sends
    // "Keep-Alive: timeout=N", which Node's agent honours, closing the socket itself in time.)
    async server(params, io) {
      const server = net.createServer((socket) => {
        let pending = "";
        socket.setEncoding("latin1");
        socket.setTimeout(KEEP_ALIVE_TIMEOUT_MS, () => socket.destroy());
        socket.on("data", (chunk: string) => {
          pending += chunk;
          while (pending.includes("\r\n\r\n")) {
            pending = pending.slice(pending.indexOf("\r\n\r\n") + 4);
            socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
          }
        });
        socket.on("error", () => {});
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const request = () =>
        httpRequest({
          host: String(params.host),
          port: Number(params.port),
          agent,
          timeoutMs: 5000,
        });
      const first = await request();
      if (!first.ok) throw new Error(`first request failed: ${first.errorCode}`);
      // Busy while the server's FIN arrives: the socket is still in the pool when reused.
      const until = performance.now() + CLIENT_IDLE_MS;
      while (performance.now() < until) {
        // the client is busy elsewhere
      }
      const second = await request();
      agent.destroy();
      return { secondError: second.errorCode, secondStatus: second.status };
    },
  },
};
