/**
 * Lab: an accept queue that overflows. The server listens with a backlog of 1 and blocks its
 * event loop for BLOCK_MS when its first connection arrives (a synchronous task: JSON of a huge
 * body, a sync file read, a CPU-bound loop). While it does not call accept(), completed handshakes
 * pile up in the accept queue; once it holds backlog + 1 of them the kernel drops new SYNs
 * (tcp_conn_request: sk_acceptq_is_full, counted as ListenOverflows/ListenDrops), and the clients'
 * kernels retry the SYN after 1 s, 2 s... (RFC 6298 initial RTO of 1 s; Linux 6.5+ keeps the first
 * tcp_syn_linear_timeouts retries 1 s apart).
 */
import http from "node:http";
import { TcpFlag } from "../../decode/types.ts";
import { hasFlags, ms, synTriesByClientPort } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const BACKLOG = 1;
const BLOCK_MS = 2500;
const LATE_CONNECTIONS = 6;

export const acceptQueueOverflow: Lab = {
  name: "accept-queue-overflow",
  title: "a blocked event loop with listen backlog 1: SYNs dropped, retried a second later",
  layer: "server-os",
  kind: "accept-queue-overflow",
  needsRoot: false,
  timeLimitMs: 20_000,
  captureNotes:
    "loopback (both ends); cost = sum over the connections whose SYN was dropped of (SYN/ACK - first SYN)",
  lesson: `The server's event loop is blocked for ${BLOCK_MS} ms, so it calls accept() on nothing. The
kernel still completes handshakes and queues them, up to the listen backlog (here ${BACKLOG}, so
${BACKLOG + 1} connections). After that it silently drops new SYNs: no RST, no answer.
At each layer:
- client OS: sends the SYN again after 1 s, then again (the SYN retransmission timer), so
  connect() takes whole seconds, though the network is fine.
- server OS: the accept queue is full; nstat shows TcpExtListenOverflows and ListenDrops rising,
  and ss -lnt shows the listener's Recv-Q (queued) above its Send-Q (backlog).
- server app: the root cause is upstream (it stopped accepting), but the verdict names the layer
  that dropped the packets: the server's kernel.
How to recognise it: SYN retransmissions ~1 s apart to a server that answers other connections,
then handshakes that complete late, in a burst, when the app catches up. Fix: don't block the
event loop; raise the backlog (and net.core.somaxconn) to absorb bursts.`,

  // The handshakes' delay on the connections whose SYN was dropped.
  expectedCost(packets) {
    let costMs = 0;
    for (const tries of synTriesByClientPort(packets).values()) {
      if (tries.length < 2) continue;
      const answer = packets.find(
        (p) => p.dstPort === tries[0]!.srcPort && hasFlags(p, TcpFlag.SYN | TcpFlag.ACK),
      );
      if (answer) costMs += answer.timeMs - tries[0]!.timeMs;
    }
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("backlog", BACKLOG);
    ctx.fact("blockMs", BLOCK_MS);
    ctx.fact("slowestConnectMs", Math.round(Number(result.slowestMs)));
    ctx.fact("failedRequests", Number(result.failed));
  },

  check(packets) {
    const tries = [...synTriesByClientPort(packets).values()];
    const retried = tries.filter((t) => t.length > 1);
    const intervals = retried.map((t) => t[1]!.timeMs - t[0]!.timeMs);
    const answered = retried.filter((t) =>
      packets.some((p) => p.dstPort === t[0]!.srcPort && hasFlags(p, TcpFlag.SYN | TcpFlag.ACK)),
    );
    return [
      {
        name: "some connection attempts had their SYN retransmitted",
        ok: retried.length >= 2,
        detail: `${retried.length} of ${tries.length} connections retried`,
      },
      {
        name: "the first retry came ~1 s after the first SYN (the SYN retransmission timer)",
        ok: intervals.length > 0 && intervals.every((i) => i >= 900 && i <= 1200),
        detail: intervals.map(ms).join(", "),
      },
      {
        name: "the retried connections were completed late",
        ok: answered.length === retried.length && retried.length > 0,
        detail: `${answered.length} of ${retried.length} answered with SYN/ACK`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      let blocked = false;
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end("ok\n"));
      });
      server.on("connection", () => {
        if (blocked) return;
        blocked = true;
        // The pathology itself: synchronous work that keeps this process from calling accept().
        const until = performance.now() + Number(params.blockMs ?? BLOCK_MS);
        while (performance.now() < until) {
          // busy: nothing else runs
        }
      });
      const port = await listenOnFreePort(server, { host: String(params.host), backlog: BACKLOG });
      io.emit("ready", { port });
      return forever();
    },

    async client(params) {
      const request = () =>
        httpRequest({
          host: String(params.host),
          port: Number(params.port),
          agent: false,
          timeoutMs: 10_000,
        });
      // The first connection sets the server's event loop busy; then a burst arrives.
      // Its handshake completes at once; the burst comes while the server is busy.
      const first = request();
      await new Promise((r) => setTimeout(r, 200));
      const all = await Promise.all([
        first,
        ...Array.from({ length: LATE_CONNECTIONS }, () => request()),
      ]);
      return {
        slowestMs: Math.max(...all.map((o) => o.elapsedMs)),
        failed: all.filter((o) => !o.ok).length,
      };
    },
  },
};
