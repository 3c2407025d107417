import { TcpFlag } from "../../decode/types.ts";
import { bodyServer } from "../body-server.ts";
import { fromPort, hasFlags, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { capReceiveBuffer } from "../netns.ts";
import type { Lab } from "../types.ts";

const RMEM_MAX_BYTES = 8192;
const ONE_WAY_DELAY_MS = 10;
const DOWNLOAD_BYTES = 192 * 1024;

export const receiveWindowLimited: Lab = {
  name: "receive-window-limited",
  title: "a receiver with an 8 KiB receive buffer on a 20 ms path: one small window per round trip",
  layer: "client-os",
  kind: "receive-window-limited",
  needsRoot: true,
  timeLimitMs: 20_000,
  captureNotes: "at the server (the sender), RTT 20 ms; cost = first -> last data segment",
  lesson: `The client's kernel gives each socket at most ${RMEM_MAX_BYTES} bytes of receive buffer (net.ipv4.tcp_rmem);
the app reads everything at once. The path has a ${2 * ONE_WAY_DELAY_MS} ms round trip and no other limit.
At each layer:
- client OS: advertises a window of a few KiB (part of the buffer is kept for overhead), and
  never more, however fast the app reads.
- server OS: may have only one window of unACKed data in flight, so it sends a window's worth,
  waits a round trip for the ACK, sends again: "window full" on every flight.
- network: idle most of the time; nothing lost, no queue.
- client app: reads promptly (the window never reaches zero), yet the download crawls at
  about rwnd / RTT.
How to recognise it: bytes in flight pinned at the receiver's advertised window, bursts one RTT
apart, throughput = window / RTT, no loss, no zero window. Fix the receiver: larger tcp_rmem
(autotuning up to several MiB) or no small SO_RCVBUF in the app; window scaling must be on.
Layer: the receiver's OS here (a sysctl); if the app set SO_RCVBUF, it is the app's.`,

  // The whole transfer: the path alone would carry it in a few round trips.
  expectedCost(packets) {
    const data = withPayload(fromPort(packets, serverPort(packets)));
    const costMs = data.length > 0 ? data[data.length - 1]!.timeMs - data[0]!.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const path = await ctx.routed({ oneWayDelayMs: ONE_WAY_DELAY_MS });
    capReceiveBuffer(path.client.netns!, RMEM_MAX_BYTES);
    const server = ctx.agent("server", path.server, { host: path.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(path.server, `tcp port ${port}`, 160);
    const client = ctx.agent("client", path.client, { host: path.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("rmemMaxBytes", RMEM_MAX_BYTES);
    ctx.fact("rttMs", 2 * ONE_WAY_DELAY_MS);
    ctx.fact("transferMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const fromClient = toPort(packets, port);
    const synShift = fromClient.find((p) => p.windowScale >= 0)?.windowScale ?? 0;
    const windows = fromClient
      .filter((p) => !hasFlags(p, TcpFlag.SYN))
      .map((p) => p.window << synShift);
    const maxWindow = Math.max(...windows);
    const data = withPayload(fromPort(packets, port));
    const first = data[0];
    const last = data[data.length - 1];
    const bytes = data.reduce((sum, p) => sum + p.payloadLenBytes, 0);
    const seconds = first && last ? (last.timeMs - first.timeMs) / 1000 : 0;
    const rateBytesPerSec = seconds > 0 ? bytes / seconds : 0;
    const windowPerRtt = maxWindow / ((2 * ONE_WAY_DELAY_MS) / 1000);
    return [
      {
        name: `the client never advertised more than its ${RMEM_MAX_BYTES}-byte buffer`,
        ok: windows.length > 0 && maxWindow <= RMEM_MAX_BYTES,
        detail: `largest window ${maxWindow} bytes (scale shift ${synShift})`,
      },
      {
        name: "the window never closed (the app read promptly)",
        ok: windows.every((w) => w > 0),
        detail: `smallest window ${Math.min(...windows)} bytes`,
      },
      {
        name: "throughput is about one window per round trip",
        ok: rateBytesPerSec > windowPerRtt * 0.5 && rateBytesPerSec < windowPerRtt * 1.5,
        detail: `${(rateBytesPerSec / 1024).toFixed(0)} KiB/s measured, window/RTT = ${(windowPerRtt / 1024).toFixed(0)} KiB/s`,
      },
    ];
  },

  agents: {
    server: bodyServer(DOWNLOAD_BYTES, 0x64),

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        path: "/download",
        agent: false,
        timeoutMs: 15_000,
      });
      if (!outcome.ok) throw new Error(`download failed: ${outcome.errorCode}`);
      return { elapsedMs: outcome.elapsedMs };
    },
  },
};
