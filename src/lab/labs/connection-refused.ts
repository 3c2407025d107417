/**
 * Lab: connection refused. Nothing listens on the port, so the server's kernel answers each SYN
 * with RST/ACK at once (RFC 9293 §3.10.7.1: a segment for a CLOSED port gets a reset) and
 * connect() fails with ECONNREFUSED within one round trip.
 */
import net from "node:net";
import { TcpFlag } from "../../decode/types.ts";
import { hasFlags, ms, resets, syns } from "../capture-queries.ts";
import { listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const ATTEMPTS = 3;
const RETRY_PAUSE_MS = 100;

export const connectionRefused: Lab = {
  name: "connection-refused",
  title: "nothing listens on the port: the kernel answers the SYN with RST",
  layer: "server-os",
  kind: "connection-refused",
  needsRoot: false,
  timeLimitMs: 10_000,
  captureNotes: "loopback; 3 attempts, each SYN answered by RST/ACK; cost = sum of SYN -> RST (~0)",
  lesson: `The client connects to a port where no process listens (the service is down, restarting,
or on another port). The server's kernel answers each SYN with RST/ACK straight away: no app is
involved at all, and nothing waits.
At each layer:
- client app: connect() fails with ECONNREFUSED after one round trip; a retrying client tries
  ${ATTEMPTS} times here, ${RETRY_PAUSE_MS} ms apart, and every try fails the same way.
- server OS: has no listening socket for the port, so it resets (RFC 9293 §3.10.7.1).
- network: delivered everything; a firewall that drops would give SYN retries and a timeout
  instead, one that rejects would send an ICMP error or a forged RST.
How to recognise it: SYN answered by RST/ACK within one RTT, no handshake, no data. It costs
nothing but the failure itself. Check that the process is up and bound to the right address and
port (ss -lnt), not only to 127.0.0.1 when clients come from elsewhere.`,

  // A refusal costs one round trip per attempt: nothing here.
  expectedCost(packets) {
    const costMs = syns(packets).reduce((sum, syn) => {
      const rst = resets(packets).find((r) => r.dstPort === syn.srcPort && r.frame > syn.frame);
      return sum + (rst ? rst.timeMs - syn.timeMs : 0);
    }, 0);
    return { costMs, toleranceMs: 20 };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("result", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("errorCodes", String(result.errorCodes));
  },

  check(packets) {
    const attempts = syns(packets);
    const rsts = resets(packets);
    const answers = attempts.map((syn) =>
      rsts.find(
        (r) => r.srcPort === syn.dstPort && r.dstPort === syn.srcPort && r.frame > syn.frame,
      ),
    );
    const delays = answers.map((r, i) => (r ? r.timeMs - attempts[i]!.timeMs : Number.NaN));
    return [
      {
        name: `${ATTEMPTS} connection attempts`,
        ok: attempts.length === ATTEMPTS,
        detail: `${attempts.length} SYNs`,
      },
      {
        name: "each SYN answered by RST/ACK from the server's kernel within 5 ms",
        ok:
          answers.every((r) => r !== undefined && hasFlags(r, TcpFlag.RST | TcpFlag.ACK)) &&
          delays.every((d) => d < 5),
        detail: delays.map(ms).join(", "),
      },
      {
        name: "no handshake, no data",
        ok: packets.every(
          (p) => p.payloadLenBytes === 0 && !hasFlags(p, TcpFlag.SYN | TcpFlag.ACK),
        ),
        detail: `${packets.length} packets`,
      },
    ];
  },

  agents: {
    // Finds a free port and lets it go: nothing listens there afterwards.
    async server(params) {
      const server = net.createServer();
      const port = await listenOnFreePort(server, { host: String(params.host) });
      await new Promise((resolve) => server.close(resolve));
      return { port };
    },

    async client(params) {
      const errorCodes: string[] = [];
      for (let i = 0; i < ATTEMPTS; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
        errorCodes.push(
          await new Promise<string>((resolve) => {
            const socket = net.connect({ host: String(params.host), port: Number(params.port) });
            socket.on("connect", () => {
              socket.destroy();
              resolve("connected");
            });
            socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "ERROR"));
          }),
        );
      }
      return { errorCodes: errorCodes.join(",") };
    },
  },
};
