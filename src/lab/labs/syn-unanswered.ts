/**
 * Lab: a silent drop. A firewall rule on the server drops the SYNs to its port (iptables DROP,
 * not REJECT), so no answer ever comes: the client's kernel retransmits the SYN with its
 * retransmission timer (RFC 6298: initial RTO 1 s; Linux 6.5+ keeps the first
 * tcp_syn_linear_timeouts retries 1 s apart, then doubles) until the app's connect timeout.
 */
import net from "node:net";
import { ms, synTriesByClientPort } from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import { runIn } from "../netns.ts";
import type { Lab } from "../types.ts";

const CONNECT_TIMEOUT_MS = 3500;

export const synUnanswered: Lab = {
  name: "syn-unanswered",
  title: "a firewall silently drops the SYNs: retries 1 s apart, then a connect timeout",
  layer: "network",
  kind: "syn-unanswered",
  needsRoot: true,
  timeLimitMs: 20_000,
  captureNotes:
    "at the client; the capture ends at the last SYN retry; cost = the client's connect timeout (3.5 s)",
  lesson: `A firewall on the way (here an iptables DROP rule in the server's namespace) discards the
client's SYNs without a word. The server app is up and listening; it never sees a thing.
At each layer:
- client OS: retransmits the SYN after 1 s, then again (Linux 6.5+: 1 s apart for the first
  retries, then doubling; older kernels 1, 3, 7, 15 s).
- client app: connect() hangs until its own timeout (${CONNECT_TIMEOUT_MS} ms here), then fails with a timeout,
  not a refusal.
- network: the cause; something between the client's kernel and the server's listener drops.
How to recognise it: SYNs that are never answered, not by SYN/ACK, not by RST, not by ICMP,
spaced by the SYN retransmission timer. Compare "connection refused" (an RST at once: nothing
listens) and an accept-queue overflow (same retries, but other connections to the same port
succeed and these finally do too). Check security groups, firewalls, routing, and whether the
address is right.`,
  expectedCost: (_packets, facts) => ({ costMs: Number(facts.connectTimeoutMs), toleranceMs: 600 }),

  async run(ctx) {
    const path = await ctx.routed({ oneWayDelayMs: 0 });
    const server = ctx.agent("server", path.server, { host: path.server.address });
    const { port } = await server.waitFor("ready", 5000);
    runIn(path.server.netns, "iptables", [
      "-A",
      "INPUT",
      "-p",
      "tcp",
      "--dport",
      String(port),
      "-j",
      "DROP",
    ]);
    await ctx.startCapture(path.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", path.client, { host: path.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("connectTimeoutMs", CONNECT_TIMEOUT_MS);
    ctx.fact("clientError", String(result.errorCode));
  },

  check(packets) {
    const tries = [...synTriesByClientPort(packets).values()];
    const attempt = tries[0] ?? [];
    const intervals = attempt.slice(1).map((syn, i) => syn.timeMs - attempt[i]!.timeMs);
    return [
      {
        name: "one connection attempt, its SYN sent again and again",
        ok: tries.length === 1 && attempt.length >= 3,
        detail: `${attempt.length} SYNs`,
      },
      {
        name: "retries spaced by the SYN timer (~1 s)",
        ok: intervals.length > 0 && intervals.every((i) => i >= 900 && i <= 2200),
        detail: intervals.map(ms).join(", "),
      },
      {
        name: "nothing ever answered",
        ok: packets.every((p) => p.srcPort !== attempt[0]?.dstPort),
        detail: `${packets.filter((p) => p.srcPort === attempt[0]?.dstPort).length} packets from the server`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      const server = net.createServer((socket) => socket.end());
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const errorCode = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: String(params.host), port: Number(params.port) });
        socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
          socket.destroy();
          resolve("ETIMEDOUT");
        });
        socket.on("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "ERROR"));
      });
      return { errorCode };
    },
  },
};
