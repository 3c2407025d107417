/**
 * Lab: a slow handler. The server reads the request at once and answers THINK_MS later, on every
 * request: the time between the last request byte and the first response byte, less the round
 * trip (~0 here), is the server application's own.
 */
import http from "node:http";
import {
  coversTimer,
  ms,
  payloadText,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const THINK_MS = 250;
const REQUESTS = 3;

export const serverThinkTime: Lab = {
  name: "server-think-time",
  title: "a slow HTTP handler: the server takes 250 ms before it answers each request",
  layer: "server-app",
  kind: "server-think-time",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback; cost = sum over the 3 requests of (first response byte - last request byte)",
  lesson: `The client sends a request; the server's kernel ACKs it at once (the ACK is the OS, not the
app). Then nothing for ~${THINK_MS} ms, until the handler writes the response: that silence, between the
last request byte and the first response byte, is the server application thinking
(a database call, a lock, CPU work).
At each layer:
- network: one round trip (here ~0 ms, loopback); the handshake's SYN -> SYN/ACK measures it.
- server OS: accepts and ACKs immediately; its queues are empty.
- server app: ${THINK_MS} ms per request, every request, on a connection that is otherwise idle.
How to recognise it in production: a capture shows the request ACKed within a round trip, then a
gap of (first response byte - last request byte - RTT); from the client side curl's
time_starttransfer - time_pretransfer shows the same, including one RTT. It is the same on every
connection and grows with server load, not with the path. Look at the handler's spans, not the
network.`,
  expectedCost: (_packets, facts) => ({
    costMs: Number(facts.thinkMs) * Number(facts.requests),
    toleranceMs: 0.2 * Number(facts.thinkMs) * Number(facts.requests),
  }),

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address, thinkMs: THINK_MS });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 400);
    const client = ctx.agent("client", net.client, {
      host: net.server.address,
      port,
      requests: REQUESTS,
    });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("thinkMs", THINK_MS);
    ctx.fact("requests", REQUESTS);
    ctx.fact("clientElapsedMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const data = withPayload(packets);
    const gaps: number[] = [];
    for (const request of toPort(data, port)) {
      if (!payloadText(request).startsWith("GET ")) continue;
      const response = data.find(
        (p) =>
          p.srcPort === port && p.frame > request.frame && payloadText(p).startsWith("HTTP/1.1"),
      );
      if (response) gaps.push(response.timeMs - request.timeMs);
    }
    return [
      {
        name: `${REQUESTS} requests, each answered`,
        ok: gaps.length === REQUESTS,
        detail: `${gaps.length} request/response pairs`,
      },
      {
        name: `each response waits out the handler's ${THINK_MS} ms timer`,
        ok: gaps.length > 0 && gaps.every((g) => coversTimer(g, THINK_MS) && g < THINK_MS * 2),
        detail: gaps.map(ms).join(", "),
      },
    ];
  },

  agents: {
    async server(params, io) {
      const thinkMs = Number(params.thinkMs);
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => setTimeout(() => res.end("thought about it\n"), thinkMs));
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params, io) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const started = io.nowMs();
      for (let i = 0; i < Number(params.requests); i++) {
        const outcome = await httpRequest({
          host: String(params.host),
          port: Number(params.port),
          path: `/slow/${i}`,
          agent,
          timeoutMs: 5000,
        });
        if (!outcome.ok) throw new Error(`request ${i} failed: ${outcome.errorCode}`);
      }
      agent.destroy();
      return { elapsedMs: io.nowMs() - started };
    },
  },
};
