import { bodyServer } from "../body-server.ts";
import { fromPort, serverPort, withPayload } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { runIn } from "../netns.ts";
import type { Lab } from "../types.ts";
import { retransmissions } from "./packet-loss.ts";

const RATE_KBIT = 8000;
const DOWNLOAD_BYTES = 512 * 1024;

export const bandwidthBottleneck: Lab = {
  name: "bandwidth-bottleneck",
  title: "a download through an 8 Mbit/s link (tc tbf): throughput plateaus at the link rate",
  layer: "network",
  kind: "bandwidth-bottleneck",
  needsRoot: true,
  timeLimitMs: 20_000,
  captureNotes: "at the client; cost = the whole transfer (size / link rate)",
  lesson: `The server's link carries at most ${RATE_KBIT / 1000} Mbit/s (tc tbf on its veth, like a slow uplink or a
cloud instance's bandwidth cap). The client downloads ${DOWNLOAD_BYTES / 1024} KiB.
At each layer:
- server app and OS: write everything at once; the socket's send buffer is never the limit.
- network: the token bucket lets ${RATE_KBIT / 1000} Mbit/s through and queues the rest; TCP's congestion
  control fills the queue, so the round trip grows while the transfer runs.
- client: receives at a steady rate equal to the link's, with a window that never closes.
How to recognise it: data segments arrive evenly spaced at (segment size / link rate), the
throughput over the transfer is flat at one figure, no zero window, few or no retransmissions,
and the RTT rises under load (queueing). Duration = size / rate: make the response smaller
(compression), move it closer (CDN), or buy a faster link; tuning the app will not help.`,
  expectedCost: (_packets, facts) => ({
    costMs: Number(facts.transferMs),
    toleranceMs: 0.2 * Number(facts.transferMs),
  }),

  async run(ctx) {
    const path = await ctx.routed({ oneWayDelayMs: 0 });
    // tbf: the rate, a bucket of ~10 segments, and a queue deep enough (400 ms at the rate) that
    // slow start does not overflow it: the lab is about the rate, not about the loss it could add.
    runIn(path.server.netns, "tc", [
      "qdisc",
      "add",
      "dev",
      path.server.device,
      "root",
      "tbf",
      "rate",
      `${RATE_KBIT}kbit`,
      "burst",
      "16kb",
      "latency",
      "400ms",
    ]);
    const server = ctx.agent("server", path.server, { host: path.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(path.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", path.client, { host: path.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("rateKbit", RATE_KBIT);
    ctx.fact("transferMs", Math.round(Number(result.elapsedMs)));
    ctx.fact("bytes", Number(result.bodyBytes));
  },

  check(packets) {
    const data = withPayload(fromPort(packets, serverPort(packets)));
    const total = data.reduce((sum, p) => sum + p.wireLenBytes, 0);
    // The steady state: the middle half of the bytes, past slow start and before the tail.
    let seen = 0;
    let startMs = 0;
    let startBytes = 0;
    let endMs = 0;
    let endBytes = 0;
    for (const p of data) {
      seen += p.wireLenBytes;
      if (startMs === 0 && seen >= total * 0.25) {
        startMs = p.timeMs;
        startBytes = seen;
      }
      if (endMs === 0 && seen >= total * 0.75) {
        endMs = p.timeMs;
        endBytes = seen;
      }
    }
    const kbit = ((endBytes - startBytes) * 8) / (endMs - startMs);
    return [
      {
        name: "the download completed",
        ok: data.length > DOWNLOAD_BYTES / 1500,
        detail: `${data.length} data segments`,
      },
      {
        name: `throughput plateaus at the link rate (${RATE_KBIT} kbit/s ± 15 %)`,
        ok: Math.abs(kbit - RATE_KBIT) <= RATE_KBIT * 0.15,
        detail: `${kbit.toFixed(0)} kbit/s on the wire over the middle half of the transfer`,
      },
      {
        name: "little or no loss (the queue absorbed the bursts)",
        ok: retransmissions(data).length <= data.length * 0.02,
        detail: `${retransmissions(data).length} retransmissions`,
      },
    ];
  },

  agents: {
    server: bodyServer(DOWNLOAD_BYTES, 0x62),

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        path: "/download",
        agent: false,
        timeoutMs: 10_000,
      });
      if (!outcome.ok) throw new Error(`download failed: ${outcome.errorCode}`);
      return { elapsedMs: outcome.elapsedMs, bodyBytes: outcome.bodyBytes };
    },
  },
};
