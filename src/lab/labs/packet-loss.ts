/**
 * Lab: packet loss. Client and server are joined through a router namespace that drops a random
 * LOSS_PERCENT of the server's packets (iptables -m statistic --mode random in its FORWARD chain:
 * real loss, in the path; a DROP in the sender's own OUTPUT chain would be reported to the sender
 * at once and is not). The router also delays every packet ONE_WAY_DELAY_MS each way, so that
 * recovery costs round trips as on a real path. The download recovers by fast retransmit (three
 * duplicate ACKs / SACK, RFC 5681 §3.2, RFC 6675) or, when too little follows a loss, by the
 * retransmission timeout (RFC 6298; Linux's minimum RTO is 200 ms).
 */
import http from "node:http";
import { bodyServer } from "../body-server.ts";
import { fromPort, serverPort, withPayload } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import type { LabPacket } from "../lab-packet.ts";
import { runIn } from "../netns.ts";
import type { Lab } from "../types.ts";

const LOSS_PERCENT = 3;
const ONE_WAY_DELAY_MS = 10;
/** 24 files of 16 KiB on one keep-alive connection: mid-file losses are repaired by fast
 * retransmit, losses at a file's tail only by a probe or the retransmission timeout. */
const FILES = 24;
const FILE_BYTES = 16 * 1024;
/** Linux TCP_RTO_MIN (include/net/tcp.h): HZ/5 = 200 ms. */
const MIN_RTO_MS = 200;

export const packetLoss: Lab = {
  name: "packet-loss",
  title:
    "a download through a router that drops 3 % of packets: every loss retransmitted a round trip or more later",
  layer: "network",
  kind: "packet-loss",
  needsRoot: true,
  timeLimitMs: 25_000,
  captureNotes:
    "at the server (the sender), RTT 20 ms through the router; cost = sum of (retransmission - original send)",
  lesson: `A router between client and server drops ${LOSS_PERCENT} % of the server's packets at random (iptables
statistic match in its FORWARD chain) and delays every packet ${ONE_WAY_DELAY_MS} ms each way (RTT ${2 * ONE_WAY_DELAY_MS} ms).
The client downloads ${FILES} files of ${FILE_BYTES / 1024} KiB over one connection; the capture is taken at the
server, the sender, where each lost segment shows twice: sent, and sent again.
At each layer:
- network: loses segments; nothing tells the sender, it must infer the loss.
- client OS: ACKs what it has and reports the holes with duplicate ACKs and SACK blocks.
- server OS: retransmits after duplicate ACKs/SACK (fast retransmit, one RTT later); a loss at a
  file's tail has no followers to trigger that, so it waits for a tail loss probe (RFC 8985,
  ~2 RTT) or the retransmission timeout (200 ms minimum on Linux, doubling); each loss also
  shrinks the congestion window.
- apps: unaware, only slower.
How to recognise it: the same sequence range sent twice (retransmissions), duplicate ACKs and
SACK before fast retransmits, silences of 2 RTT or 200+ ms before tail retransmissions, and
throughput far below the path's capacity. Loss on a path is the network's: find the hop (mtr,
interface error counters, a saturated queue).`,

  // Time between each lost segment's first sending and its retransmission, summed.
  expectedCost(packets) {
    const sent = withPayload(fromPort(packets, serverPort(packets)));
    const costMs = retransmissions(sent).reduce(
      (sum, p) => sum + p.timeMs - originalSendMs(sent, p),
      0,
    );
    return { costMs, toleranceMs: Math.max(20, 0.5 * costMs) };
  },

  async run(ctx) {
    const path = await ctx.routed({ oneWayDelayMs: ONE_WAY_DELAY_MS });
    // Only packets arriving from the server side, so each packet is judged once (the delay line
    // sends every forwarded packet through FORWARD twice).
    runIn(path.router, "iptables", [
      "-A",
      "FORWARD",
      "-i",
      path.routerServerDevice,
      "-m",
      "statistic",
      "--mode",
      "random",
      "--probability",
      String(LOSS_PERCENT / 100),
      "-j",
      "DROP",
    ]);
    const server = ctx.agent("server", path.server, { host: path.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(path.server, `tcp port ${port}`, 200);
    const client = ctx.agent("client", path.client, { host: path.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("lossPercent", LOSS_PERCENT);
    ctx.fact("rttMs", 2 * ONE_WAY_DELAY_MS);
    ctx.fact("transferMs", Math.round(Number(result.elapsedMs)));
    const dropped = runIn(path.router, "iptables", ["-L", "FORWARD", "-v", "-x", "-n"]);
    const count = /^\s*(\d+)\s+\d+\s+DROP/m.exec(dropped);
    ctx.fact("droppedByRouter", count ? Number(count[1]) : -1);
  },

  check(packets, facts) {
    const sent = withPayload(fromPort(packets, serverPort(packets)));
    const retransmitted = retransmissions(sent);
    // How long after the original each retransmission went out: at least a round trip.
    const delays = retransmitted.map((p) => p.timeMs - originalSendMs(sent, p));
    const timeouts = delays.filter((d) => d >= MIN_RTO_MS);
    return [
      {
        name: "the router dropped packets",
        ok: Number(facts.droppedByRouter) > 0,
        detail: `${facts.droppedByRouter} dropped`,
      },
      {
        name: "the server retransmitted data",
        ok: retransmitted.length > 0,
        detail: `${retransmitted.length} retransmissions of ${sent.length} data segments (frames ${retransmitted
          .slice(0, 5)
          .map((p) => p.frame)
          .join(", ")}${retransmitted.length > 5 ? ", ..." : ""})`,
      },
      {
        name: "each loss cost at least a round trip before its retransmission",
        ok: delays.length > 0 && delays.every((d) => d >= 2 * ONE_WAY_DELAY_MS),
        detail: `${delays.map((d) => d.toFixed(0)).join(", ")} ms after the original; ${timeouts.length} by timeout (>= ${MIN_RTO_MS} ms)`,
      },
    ];
  },

  agents: {
    server: bodyServer(FILE_BYTES, 0x63),

    async client(params, io) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const started = io.nowMs();
      for (let i = 0; i < FILES; i++) {
        const outcome = await httpRequest({
          host: String(params.host),
          port: Number(params.port),
          path: `/file/${i}`,
          agent,
          timeoutMs: 10_000,
        });
        if (!outcome.ok) throw new Error(`download ${i} failed: ${outcome.errorCode}`);
      }
      agent.destroy();
      return { elapsedMs: io.nowMs() - started };
    },
  },
};

/** Segments whose bytes were already sent before (at the sender, a retransmission). */
export function retransmissions(sent: readonly LabPacket[]): LabPacket[] {
  const isn = sent[0]?.seq ?? 0;
  let highest = 0;
  const out: LabPacket[] = [];
  for (const p of sent) {
    const start = (p.seq - isn) >>> 0;
    if (start < highest) out.push(p);
    highest = Math.max(highest, start + p.payloadLenBytes);
  }
  return out;
}

/** When the sequence number of a retransmitted segment was first sent. */
function originalSendMs(sent: readonly LabPacket[], packet: LabPacket): number {
  return sent.find((p) => p.seq === packet.seq)?.timeMs ?? packet.timeMs;
}
