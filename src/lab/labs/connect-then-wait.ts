/**
 * Lab: a client that opens its connection and only then gets ready to send. It connects, waits
 * WAIT_MS (building the request, waiting on a lock, a pool handing the socket out late), then
 * sends a plain GET that the server answers at once. The request took ~WAIT_MS, and all of it
 * was the client's: the handshake was done, the server and the network idle.
 */
import http from "node:http";
import net from "node:net";
import { TcpFlag } from "../../decode/types.ts";
import {
  coversTimer,
  hasFlags,
  ms,
  payloadText,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const WAIT_MS = 500;

export const connectThenWait: Lab = {
  name: "connect-then-wait",
  title: "a client that connects, then waits 500 ms before it sends its request",
  layer: "client-app",
  kind: "connect-to-request-idle",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback; cost = the handshake's last ACK -> the request's first byte (the client's 500 ms timer)",
  lesson: `The client connects, then waits ${WAIT_MS} ms before it writes its GET; the server answers at once.
At each layer:
- client OS and server OS: the handshake completes in microseconds; the connection is ready.
- network: idle; one round trip for the handshake, one for the request.
- server app: answers as soon as the request arrives; its time is ~0.
- client app: the cause. It opened the connection before it had anything to send (a request
  still being built, a lock, a pool or proxy handing the socket out late, a user choosing), and
  the request waited ${WAIT_MS} ms on an open, idle connection.
How to recognise it: the handshake's last ACK, then silence, then the request; the server ACKs
and answers at once. Timing the request from the client's side counts the silence; a capture
shows it is neither the network nor the server. A browser's speculative preconnect looks the same
but costs nothing: no one was waiting for that connection yet.`,

  expectedCost(packets) {
    const port = serverPort(packets);
    const fromClient = toPort(packets, port);
    const handshakeAck = fromClient.find(
      (p) => !hasFlags(p, TcpFlag.SYN) && hasFlags(p, TcpFlag.ACK) && p.payloadLenBytes === 0,
    );
    const request = withPayload(fromClient)[0];
    const costMs = handshakeAck && request ? request.timeMs - handshakeAck.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.1 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("waitMs", WAIT_MS);
    ctx.fact("status", String(result.status));
    ctx.fact("clientElapsedMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const fromClient = toPort(packets, port);
    const handshakeAck = fromClient.find(
      (p) => !hasFlags(p, TcpFlag.SYN) && hasFlags(p, TcpFlag.ACK) && p.payloadLenBytes === 0,
    );
    const request = withPayload(fromClient)[0];
    const response = withPayload(packets).find(
      (p) => p.srcPort === port && payloadText(p).startsWith("HTTP/1.1 200"),
    );
    const idleMs = handshakeAck && request ? request.timeMs - handshakeAck.timeMs : 0;
    const answerMs = request && response ? response.timeMs - request.timeMs : -1;
    return [
      {
        name: `the request came about ${WAIT_MS} ms after the handshake, at the client's timer`,
        ok:
          request !== undefined &&
          payloadText(request).startsWith("GET ") &&
          coversTimer(idleMs, WAIT_MS) &&
          idleMs < WAIT_MS * 1.2,
        detail: `handshake ACK frame ${handshakeAck?.frame} -> request frame ${request?.frame}: ${ms(idleMs)}`,
      },
      {
        name: "the server answered at once (under 20 ms)",
        ok: answerMs >= 0 && answerMs < 20,
        detail: answerMs >= 0 ? `200 OK ${ms(answerMs)} after the request` : "no 200 response",
      },
    ];
  },

  agents: {
    async server(params, io) {
      const server = http.createServer((req, res) => {
        req.resume();
        res.end("ok\n");
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params, io) {
      const started = io.nowMs();
      const socket = net.connect({ host: String(params.host), port: Number(params.port) });
      socket.setNoDelay(true);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
      socket.write("GET /after-a-wait HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n");
      let response = "";
      socket.on("data", (chunk: Buffer) => {
        response += chunk.toString("latin1");
      });
      await new Promise((resolve, reject) => {
        socket.on("end", resolve);
        socket.on("error", reject);
      });
      socket.end();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      return { status, elapsedMs: io.nowMs() - started };
    },
  },
};
