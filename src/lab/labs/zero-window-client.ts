import net from "node:net";
import { TcpFlag } from "../../decode/types.ts";
import { bodyServer } from "../body-server.ts";
import { hasFlags, ms, serverPort, toPort } from "../capture-queries.ts";
import type { LabPacket } from "../lab-packet.ts";
import { capReceiveBuffer } from "../netns.ts";
import type { Lab } from "../types.ts";

const RESPONSE_BYTES = 1024 * 1024;
const PAUSE_MS = 1000;
/**
 * The receiver's socket buffer cap (tcp_rmem in the lab's namespace), well below the 1 MiB it is
 * sent, so that the window must close whatever autotuning does with the default 6 MiB maximum
 * (one CI run once saw no zero window; docs/labs.md).
 */
export const ZERO_WINDOW_RMEM_BYTES = 256 * 1024;

export const zeroWindowClient: Lab = {
  name: "zero-window-client",
  title: "a client that stops reading a 1 MiB response for 1 s: it advertises a zero window",
  layer: "client-app",
  kind: "zero-window",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback in a namespace, MTU 1500, receive buffers capped at 256 KiB; cost = first zero window -> window update",
  lesson: `The client requests 1 MiB and then, busy elsewhere, does not read for ${PAUSE_MS} ms.
At each layer:
- client OS: keeps receiving into the socket's receive buffer until it is full, then advertises
  a window of 0: "send nothing more".
- server OS: stops, and sends zero-window probes (persist timer, RFC 9293 §3.8.6.1) with growing
  intervals until the window opens.
- server app and network: idle and healthy; the server wrote everything long ago.
- client app: the cause; the moment it reads, its kernel sends a window update and the data flows.
How to recognise it: segments from the client with window 0 (Wireshark: "TCP ZeroWindow"), the
server's 1-byte or empty probes answered with window 0, then a window update; the stall lasts
as long as the receiving app does not read. A zero window from the receiver is never the
network's fault. Look for a blocked event loop, slow consumer, or back-pressure in the reader.`,

  expectedCost(packets) {
    const costMs = zeroWindowSpan(toPort(packets, serverPort(packets))).closedMs;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    if (net.client.netns !== undefined) capReceiveBuffer(net.client.netns, ZERO_WINDOW_RMEM_BYTES);
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 96);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("pauseMs", PAUSE_MS);
    ctx.fact("receivedBytes", Number(result.receivedBytes));
  },

  check(packets) {
    const port = serverPort(packets);
    return zeroWindowChecks(toPort(packets, port), "client", PAUSE_MS);
  },

  agents: {
    server: bodyServer(RESPONSE_BYTES, 0x61),

    async client(params) {
      const socket = net.connect({ host: String(params.host), port: Number(params.port) });
      socket.write("GET /big HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n");
      let receivedBytes = 0;
      let paused = false;
      socket.on("data", (chunk: Buffer) => {
        receivedBytes += chunk.length;
        if (paused) return;
        paused = true;
        // Stop reading: the socket's kernel buffer fills and the window closes.
        socket.pause();
        setTimeout(() => socket.resume(), PAUSE_MS);
      });
      await new Promise((resolve, reject) => {
        socket.on("end", resolve);
        socket.on("error", reject);
      });
      return { receivedBytes };
    },
  },
};

/**
 * Shared by the two zero-window labs: the receiver's segments (`fromReceiver`) must advertise a
 * zero window, which stays closed about as long as its app does not read, then reopens.
 */
export function zeroWindowChecks(
  fromReceiver: readonly LabPacket[],
  receiver: string,
  pauseMs: number,
): ReturnType<Lab["check"]> {
  const { zero, first, reopened, closedMs } = zeroWindowSpan(fromReceiver);
  return [
    {
      name: `the ${receiver} advertised a zero window`,
      ok: zero.length > 0,
      detail: `${zero.length} segments with window 0${first ? `, first at frame ${first.frame}` : ""}`,
    },
    {
      name: "the window reopened after about the app's pause",
      ok: reopened !== undefined && closedMs > pauseMs * 0.5 && closedMs < pauseMs * 1.5,
      detail: reopened ? `closed for ${ms(closedMs)} (frame ${reopened.frame})` : "never reopened",
    },
  ];
}

/** The receiver's zero-window segments, and how long its window stayed closed. */
export function zeroWindowSpan(fromReceiver: readonly LabPacket[]): {
  zero: LabPacket[];
  first: LabPacket | undefined;
  reopened: LabPacket | undefined;
  closedMs: number;
} {
  const zero = fromReceiver.filter(
    (p) => p.window === 0 && !hasFlags(p, TcpFlag.RST) && !hasFlags(p, TcpFlag.SYN),
  );
  const first = zero[0];
  const reopened = first
    ? fromReceiver.find((p) => p.frame > first.frame && p.window > 0)
    : undefined;
  const closedMs = first && reopened ? reopened.timeMs - first.timeMs : 0;
  return { zero, first, reopened, closedMs };
}
