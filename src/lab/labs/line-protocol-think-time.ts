/**
 * Lab: server think time on a protocol wirewhy has no parser for. A line protocol in the style of
 * memcached's or Redis's inline commands ("GET key\r\n" -> "VALUE key ...\r\n") on a port no
 * protocol owns: the server waits THINK_MS before each answer (a cache miss going to its backing
 * store), ten turns on one connection. Each client line and the server's answer to it is one
 * request/response turn, and the silence between them is the server application's.
 */
import net from "node:net";
import {
  coversTimer,
  fromPort,
  ms,
  payloadText,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const THINK_MS = 80;
const TURNS = 10;

export const lineProtocolThinkTime: Lab = {
  name: "line-protocol-think-time",
  title:
    "an unknown line protocol (GET key -> VALUE ...) whose server waits 80 ms before each answer",
  layer: "server-app",
  kind: "server-think-time",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes: "loopback; cost = sum over the 10 turns of (first answer byte - last command byte)",
  lesson: `The client sends ${TURNS} commands, one line each ("GET key-N\\r\\n"), on one connection, waiting for
each answer ("VALUE key-N ...\\r\\n") before the next. The server takes ${THINK_MS} ms before it answers each
one (a cache miss that goes to the backing store, a lock, a slow query).
At each layer:
- network: one round trip per turn (here ~0 ms, loopback); the kernel ACKs each command at once.
- server OS: nothing queued; the command is in the socket's buffer within microseconds.
- server app: ${THINK_MS} ms between each command and its answer, every turn.
How to recognise it without a parser for the protocol: the connection alternates short client
runs and server runs; every server run starts the same long gap after the client's, while the
client answers at once. Turn by turn that is a request and its response: the gap less one round
trip is the server's own time. wirewhy frames unknown protocols this way (generic turns), so
Redis, memcached, SMTP or an in-house RPC get the same verdict as HTTP.`,
  expectedCost: (_packets, facts) => ({
    costMs: Number(facts.thinkMs) * Number(facts.turns),
    toleranceMs: 0.2 * Number(facts.thinkMs) * Number(facts.turns),
  }),

  async run(ctx) {
    const where = ctx.loopback();
    const server = ctx.agent("server", where.server, {
      host: where.server.address,
      thinkMs: THINK_MS,
    });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(where.client, `tcp port ${port}`, 400);
    const client = ctx.agent("client", where.client, {
      host: where.server.address,
      port,
      turns: TURNS,
    });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("thinkMs", THINK_MS);
    ctx.fact("turns", TURNS);
    ctx.fact("answers", Number(result.answers));
    ctx.fact("clientElapsedMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const commands = withPayload(toPort(packets, port));
    const answers = withPayload(fromPort(packets, port));
    const gaps = commands.map((command) => {
      const answer = answers.find((a) => a.frame > command.frame);
      return answer ? answer.timeMs - command.timeMs : Number.NaN;
    });
    const clientPorts = new Set(commands.map((c) => c.srcPort));
    return [
      {
        name: `${TURNS} commands, one line each, on one connection`,
        ok:
          commands.length === TURNS &&
          clientPorts.size === 1 &&
          commands.every((c) => /^GET key-\d+\r\n$/.test(payloadText(c))),
        detail: `${commands.length} command segments from ${clientPorts.size} client port(s)`,
      },
      {
        name: "each answered with one VALUE line",
        ok: answers.length === TURNS && answers.every((a) => payloadText(a).startsWith("VALUE ")),
        detail: `${answers.length} answer segments`,
      },
      {
        name: `each answer waits out the server's ${THINK_MS} ms timer`,
        ok: gaps.every((g) => coversTimer(g, THINK_MS) && g < THINK_MS * 2),
        detail: gaps.map(ms).join(", "),
      },
    ];
  },

  agents: {
    async server(params, io) {
      const thinkMs = Number(params.thinkMs);
      const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        socket.setEncoding("latin1");
        let pending = "";
        socket.on("data", (chunk: string) => {
          pending += chunk;
          let end = pending.indexOf("\r\n");
          while (end >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const key = line.startsWith("GET ") ? line.slice(4) : "";
            setTimeout(() => {
              if (!socket.destroyed) socket.write(`VALUE ${key} ${key.length * 7}\r\n`);
            }, thinkMs);
            end = pending.indexOf("\r\n");
          }
        });
        socket.on("error", () => {});
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params, io) {
      const socket = net.connect({ host: String(params.host), port: Number(params.port) });
      socket.setNoDelay(true);
      socket.setEncoding("latin1");
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      let buffered = "";
      const waiters: ((line: string) => void)[] = [];
      socket.on("data", (chunk: string) => {
        buffered += chunk;
        let end = buffered.indexOf("\r\n");
        while (end >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          waiters.shift()?.(line);
          end = buffered.indexOf("\r\n");
        }
      });
      const started = io.nowMs();
      let answers = 0;
      for (let i = 0; i < Number(params.turns); i++) {
        const line = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer to turn ${i}`)), 5000);
          waiters.push((answer) => {
            clearTimeout(timer);
            resolve(answer);
          });
          socket.write(`GET key-${i}\r\n`);
        });
        if (line.startsWith("VALUE ")) answers++;
      }
      const elapsedMs = io.nowMs() - started;
      await new Promise<void>((resolve) => socket.end(resolve));
      return { answers, elapsedMs };
    },
  },
};
