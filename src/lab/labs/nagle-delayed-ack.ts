/**
 * Lab: Nagle × delayed ACK. The client writes each request in two small writes (head, then body)
 * and then waits for the response, on a socket without TCP_NODELAY. Nagle's algorithm (RFC 896;
 * RFC 9293 §3.7.4) holds the second small segment until the first is ACKed; the server's kernel
 * delays that ACK (RFC 1122 §4.2.3.2; Linux: at least TCP_DELACK_MIN = 40 ms) because the server,
 * still waiting for the rest of the request, has nothing to send with it. Each request stalls
 * ~40 ms.
 */
import http from "node:http";
import net from "node:net";
import { ms, payloadText, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const REQUESTS = 12;
const BODY = "x".repeat(200);
/** Linux TCP_DELACK_MIN (include/net/tcp.h): HZ/25 = 40 ms. */
const DELAYED_ACK_MIN_MS = 40;

export const nagleDelayedAck: Lab = {
  name: "nagle-delayed-ack",
  title: "write-write-read without setNoDelay: Nagle waits for a delayed ACK, ~40 ms a request",
  layer: "client-app",
  kind: "nagle-delayed-ack",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback; first request quick-ACKed, the others stall; cost = 40 ms x stalled requests",
  lesson: `The client sends each POST as two writes, the head then the body, on a socket without
TCP_NODELAY, and then waits for the answer (write-write-read).
At each layer:
- client OS (Nagle, RFC 896): the body is a small segment while the head is still unACKed, so it
  is held back until an ACK arrives.
- server OS (delayed ACK, RFC 1122): the head alone is not a whole request, the server has
  nothing to reply yet, so its kernel waits ${DELAYED_ACK_MIN_MS} ms (Linux's minimum) for data to carry the ACK.
- client app: the cause. Neither kernel is wrong; the app's write pattern makes them wait on
  each other, ~${DELAYED_ACK_MIN_MS} ms per request, on a path with a round trip of microseconds.
How to recognise it: a request split in two segments, the second sent right after the server's
ACK, which comes ~40 ms (up to 200 ms) after the first segment; the server then answers at once.
Fix: setNoDelay(true) (Node's http client does it; raw net sockets do not), or write the request
in one call (cork/uncork, writev).`,
  expectedCost: (_packets, facts) => ({
    costMs: DELAYED_ACK_MIN_MS * Number(facts.stalledRequests),
    toleranceMs: 0.25 * DELAYED_ACK_MIN_MS * Number(facts.stalledRequests),
  }),

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("requests", REQUESTS);
    ctx.fact("stalledRequests", Number(result.stalled));
    ctx.fact("medianRequestMs", Math.round(Number(result.medianMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const sent = withPayload(toPort(packets, port));
    const stalls: number[] = [];
    for (const [i, head] of sent.entries()) {
      if (!payloadText(head).startsWith("POST ")) continue;
      const body = sent[i + 1];
      if (body && !payloadText(body).startsWith("POST ")) stalls.push(body.timeMs - head.timeMs);
    }
    const delayed = stalls.filter((s) => s >= DELAYED_ACK_MIN_MS - 2 && s < 220);
    return [
      {
        name: `${REQUESTS} requests, each sent as two segments`,
        ok: stalls.length === REQUESTS,
        detail: `${stalls.length} split requests`,
      },
      {
        name: `most second segments wait >= ${DELAYED_ACK_MIN_MS} ms (the delayed ACK)`,
        ok: delayed.length >= REQUESTS - 3,
        detail: stalls.map(ms).join(", "),
      },
    ];
  },

  agents: {
    async server(params, io) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end("ok\n"));
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params, io) {
      // A raw socket: net.connect leaves Nagle on (noDelay: false), unlike Node's http client.
      const socket = net.connect({ host: String(params.host), port: Number(params.port) });
      await new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      const durations: number[] = [];
      let buffered = "";
      let waiting: (() => void) | undefined;
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        buffered += chunk;
        const end = buffered.indexOf("\r\n\r\n");
        // The response is "ok\n" with a Content-Length: 3 body.
        if (end >= 0 && buffered.length >= end + 4 + 3) {
          buffered = buffered.slice(end + 4 + 3);
          waiting?.();
        }
      });
      for (let i = 0; i < REQUESTS; i++) {
        const started = io.nowMs();
        const done = new Promise<void>((resolve) => {
          waiting = resolve;
        });
        socket.write(
          `POST /item/${i} HTTP/1.1\r\nHost: lab\r\nContent-Length: ${BODY.length}\r\n\r\n`,
        );
        socket.write(BODY);
        await done;
        durations.push(io.nowMs() - started);
      }
      socket.end();
      const sorted = [...durations].sort((a, b) => a - b);
      return {
        medianMs: sorted[Math.floor(sorted.length / 2)],
        stalled: durations.filter((d) => d >= DELAYED_ACK_MIN_MS - 2).length,
      };
    },
  },
};
