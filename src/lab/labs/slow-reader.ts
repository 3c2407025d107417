/**
 * Lab: a slow reader behind a small receive buffer. The client sets SO_RCVBUF itself (a Python
 * client: Node's net sockets cannot set it) before connecting, then reads READ_BYTES every
 * READ_EVERY_MS. The server writes its whole response at once; every segment it sends fills the
 * client's small window, and the next can leave only when the client's app reads and its kernel
 * advertises the room: the transfer is paced by the reader, not by the network or the sender.
 */
import { spawn } from "node:child_process";
import { TcpFlag } from "../../decode/types.ts";
import { bodyServer } from "../body-server.ts";
import { fromPort, hasFlags, ms, serverPort, toPort, withPayload } from "../capture-queries.ts";
import type { Lab } from "../types.ts";

/** What the app asks for; Linux doubles it for bookkeeping (socket(7), SO_RCVBUF). */
const SO_RCVBUF_BYTES = 4096;
const READ_BYTES = 4096;
const READ_EVERY_MS = 20;
const DOWNLOAD_BYTES = 128 * 1024;

// The client: SO_RCVBUF before connect (the window scale is chosen from it at the SYN), one
// request, then read READ_BYTES every READ_EVERY_MS until the server closes.
const SLOW_READER_PY = `
import socket, sys, time
host, port, rcvbuf, chunk, every_s, max_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]) / 1000, float(sys.argv[6]) / 1000
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
s.settimeout(max_s)
started = time.monotonic()
s.connect((host, port))
s.sendall(b"GET /download HTTP/1.1\\r\\nHost: lab\\r\\nConnection: close\\r\\n\\r\\n")
received = 0
reads = 0
while time.monotonic() - started < max_s:
    data = s.recv(chunk)
    if not data:
        break
    received += len(data)
    reads += 1
    time.sleep(every_s)
s.close()
print(received, reads, round((time.monotonic() - started) * 1000), flush=True)
`;

export const slowReader: Lab = {
  name: "slow-reader",
  title:
    "a client that reads 4 KiB every 20 ms behind a 4 KiB SO_RCVBUF: the reader paces the download",
  layer: "client-app",
  kind: "receive-window-limited",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback in a namespace, MTU 1500; the client app sets SO_RCVBUF 4096 and reads 4 KiB every 20 ms; cost = first -> last data segment of the response",
  lesson: `The client app sets a ${SO_RCVBUF_BYTES}-byte SO_RCVBUF (its kernel doubles it) and reads ${READ_BYTES} bytes
every ${READ_EVERY_MS} ms. The server writes a ${DOWNLOAD_BYTES / 1024} KiB response at once; the path is a loopback.
At each layer:
- server app and server OS: the whole response sits in the server's send buffer at once; TCP may
  send only what fits in the client's advertised window, so each flight fills it ("TCP Window
  Full" in Wireshark) and then waits.
- client OS: ACKs at once, but with a window that has no room left; it advertises more only
  when the app has read, a window update ~${READ_EVERY_MS} ms later.
- network: idle; nothing lost, round trip ~0.
- client app: the cause. Its reads pace the transfer: about ${READ_BYTES} bytes per ${READ_EVERY_MS} ms, whatever
  the path could carry.
How to recognise it: every flight ends at the receiver's window edge, and the next flight starts
on the receiver's window update, not on an ACK of fresh data; the gaps match the reader's pace, not
the round trip. It is not Nagle × delayed ACK: the sender is blocked by the window, not by its own
small segments. Fix the reader (read more, more often, off the hot path), and do not set a small
SO_RCVBUF (it also turns autotuning off).`,

  expectedCost(packets) {
    const data = withPayload(fromPort(packets, serverPort(packets)));
    const costMs = data.length > 0 ? data[data.length - 1]!.timeMs - data[0]!.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 256);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("soRcvbufBytes", SO_RCVBUF_BYTES);
    ctx.fact("readBytes", READ_BYTES);
    ctx.fact("readEveryMs", READ_EVERY_MS);
    ctx.fact("receivedBytes", Number(result.receivedBytes));
    ctx.fact("reads", Number(result.reads));
    ctx.fact("clientElapsedMs", Number(result.elapsedMs));
  },

  check(packets, facts) {
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
    // A server segment that left no room for another in the client's last advertised window.
    let edgeAck = 0;
    let edgeWindow = 0;
    let filled = 0;
    for (const p of packets) {
      if (p.transport !== "tcp" || hasFlags(p, TcpFlag.SYN)) continue;
      if (p.dstPort === port) {
        edgeAck = p.ack;
        edgeWindow = p.window << synShift;
      } else if (p.payloadLenBytes > 0) {
        const inFlight = (p.seq + p.payloadLenBytes - edgeAck) >>> 0;
        if (inFlight + p.payloadLenBytes > edgeWindow) filled++;
      }
    }
    const transferMs = first && last ? last.timeMs - first.timeMs : 0;
    const readsMs = (Number(facts.reads) - 1) * READ_EVERY_MS;
    return [
      {
        name: `the client never advertised more than twice its ${SO_RCVBUF_BYTES}-byte SO_RCVBUF`,
        ok: windows.length > 0 && maxWindow <= 2 * SO_RCVBUF_BYTES,
        detail: `largest window ${maxWindow} bytes (scale shift ${synShift})`,
      },
      {
        name: `the whole ${DOWNLOAD_BYTES / 1024} KiB body arrived`,
        ok: bytes >= DOWNLOAD_BYTES && Number(facts.receivedBytes) >= DOWNLOAD_BYTES,
        detail: `${bytes} bytes from the server, ${facts.receivedBytes} read by the client`,
      },
      {
        name: "most server segments filled the client's window",
        ok: filled * 2 > data.length,
        detail: `${filled} of ${data.length} data segments`,
      },
      {
        name: `the download lasted about as long as the client's reads, ${READ_EVERY_MS} ms apart`,
        ok: transferMs > readsMs * 0.7 && transferMs < readsMs * 1.5,
        detail: `${ms(transferMs)} first -> last data segment, ${facts.reads} reads (${ms(readsMs)})`,
      },
    ];
  },

  agents: {
    server: bodyServer(DOWNLOAD_BYTES, 0x72),

    async client(params) {
      const args = [
        "-c",
        SLOW_READER_PY,
        String(params.host),
        String(params.port),
        String(SO_RCVBUF_BYTES),
        String(READ_BYTES),
        String(READ_EVERY_MS),
        String(10_000),
      ];
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn("python3", args, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`python3 client: ${code} ${stderr}`)),
        );
      });
      const [receivedBytes, reads, elapsedMs] = out.trim().split(/\s+/).map(Number);
      return { receivedBytes, reads, elapsedMs };
    },
  },
};
