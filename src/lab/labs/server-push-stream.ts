/**
 * Lab: a short request, then a long one-way push. The client sends one line; the server answers
 * with a stream it paces with its own timer: a small chunk every CHUNK_EVERY_MS for ~2 s, then it
 * closes. One exchange (a line in, seconds of data out); the time between the chunks is the
 * server application's: each chunk was acknowledged at once and the client's window stayed open,
 * so TCP would have sent more at once had there been more to send.
 */
import net from "node:net";
import { coversTimer, fromPort, ms, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const CHUNK_BYTES = 200;
const CHUNK_EVERY_MS = 20;
const CHUNKS = 100;
const REQUEST_LINE = "SUBSCRIBE ticks\r\n";

export const serverPushStream: Lab = {
  name: "server-push-stream",
  title: "one line in, a 2 s stream out: the server writes 200 bytes every 20 ms",
  layer: "server-app",
  kind: "paced-stream",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback; one request line, then 100 chunks 20 ms apart from the server's timer; cost = first -> last chunk",
  lesson: `The client sends one line ("${REQUEST_LINE.trim()}"); the server answers with a stream: ${CHUNK_BYTES} bytes
every ${CHUNK_EVERY_MS} ms from a timer, ${CHUNKS} times, then it closes. One exchange: a line in, ~${(CHUNKS * CHUNK_EVERY_MS) / 1000} s of data out.
At each layer:
- client app: sent its request and reads everything as it comes; its window never closes.
- client OS and server OS: each chunk is ACKed at once; nothing waits in a queue.
- network: idle between chunks; nothing lost.
- server app: paces the response, by design here (a feed, a log tail, server-sent events), by
  accident elsewhere (a slow query producing rows, a template rendering piecemeal).
How to recognise it: the response arrives in small pieces, each acknowledged before the next
leaves, with the receiver's window open: TCP would have sent more had the app written more. The
response time is the server's, not the network's (no retransmission, no full window) and not the
client's. A stream that is meant to last is fine; a response that should be one burst is not:
look at how the body is produced.`,

  expectedCost(packets) {
    const data = withPayload(fromPort(packets, serverPort(packets)));
    const costMs = data.length > 0 ? data[data.length - 1]!.timeMs - data[0]!.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.1 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 128);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("chunkBytes", CHUNK_BYTES);
    ctx.fact("chunkEveryMs", CHUNK_EVERY_MS);
    ctx.fact("chunks", CHUNKS);
    ctx.fact("receivedBytes", Number(result.receivedBytes));
    ctx.fact("clientElapsedMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const requests = withPayload(toPort(packets, port));
    // A loaded machine's loopback can resend a segment (a tail-loss probe): count each byte once.
    const data = withPayload(fromPort(packets, port)).filter(
      (p, i, all) => !all.slice(0, i).some((q) => q.seq === p.seq),
    );
    const bytes = data.reduce((sum, p) => sum + p.payloadLenBytes, 0);
    const gaps: number[] = [];
    for (let i = 1; i < data.length; i++) gaps.push(data[i]!.timeMs - data[i - 1]!.timeMs);
    gaps.sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
    const firstReply = data[0];
    return [
      {
        name: "the client sent one line, before any server data",
        ok:
          requests.length === 1 &&
          requests[0]!.payloadLenBytes === REQUEST_LINE.length &&
          firstReply !== undefined &&
          firstReply.frame > requests[0]!.frame,
        detail: `${requests.length} client data segments`,
      },
      {
        name: `the server sent ${CHUNKS} chunks of ${CHUNK_BYTES} bytes`,
        ok: bytes === CHUNKS * CHUNK_BYTES,
        detail: `${data.length} segments, ${bytes} bytes`,
      },
      {
        name: `the chunks left about ${CHUNK_EVERY_MS} ms apart, at the server's timer`,
        ok: coversTimer(median, CHUNK_EVERY_MS) && median < CHUNK_EVERY_MS * 1.5,
        detail: `median gap ${ms(median)}`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        let line = "";
        let started = false;
        socket.on("data", (chunk: Buffer) => {
          line += chunk.toString("latin1");
          if (started || !line.includes("\n")) return;
          started = true;
          let sent = 0;
          const chunkText = `${"t".repeat(CHUNK_BYTES - 1)}\n`;
          const timer = setInterval(() => {
            socket.write(chunkText);
            sent++;
            if (sent === CHUNKS) {
              clearInterval(timer);
              socket.end();
            }
          }, CHUNK_EVERY_MS);
          socket.on("close", () => clearInterval(timer));
        });
        socket.on("error", () => {});
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params, io) {
      const started = io.nowMs();
      const socket = net.connect({ host: String(params.host), port: Number(params.port) });
      socket.setNoDelay(true);
      socket.write(REQUEST_LINE);
      let receivedBytes = 0;
      socket.on("data", (chunk: Buffer) => {
        receivedBytes += chunk.length;
      });
      await new Promise((resolve, reject) => {
        socket.on("end", resolve);
        socket.on("error", reject);
      });
      socket.end();
      return { receivedBytes, elapsedMs: io.nowMs() - started };
    },
  },
};
