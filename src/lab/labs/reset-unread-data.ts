/**
 * Lab: the server closes a socket that still holds unread request data, and its kernel sends RST
 * instead of FIN (RFC 2525 §2.17; Linux tcp_close(): "if we are closing with unread data, send a
 * reset"). The app rejects an upload early (413) without reading the body, a classic cause of
 * "ECONNRESET" on the client, which may never see the 413.
 */
import http from "node:http";
import net from "node:net";
import { TcpFlag } from "../../decode/types.ts";
import { fromPort, hasFlags, resets, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const UPLOAD_BYTES = 256 * 1024;
/** Time the server leaves the request in its receive buffer before rejecting it. */
const REJECT_AFTER_MS = 50;

export const resetUnreadData: Lab = {
  name: "reset-unread-data",
  title: "the server answers 413 and closes without reading the upload: its kernel sends RST",
  layer: "server-app",
  kind: "reset-unread-data",
  needsRoot: false,
  timeLimitMs: 10_000,
  captureNotes: "loopback; cost = first request byte -> the server's RST",
  lesson: `The client uploads ${UPLOAD_BYTES / 1024} KiB. The server app decides early (too large, not
authorised), writes a 413 response and closes the socket without reading the request body.
At each layer:
- server app: close() on a socket whose receive buffer still holds unread bytes.
- server OS: by RFC 2525 §2.17, closing with unread data must not look like a clean end, so
  Linux sends RST instead of FIN and throws away both buffers.
- client: the RST aborts its upload and discards what it had not read yet; it gets ECONNRESET
  or EPIPE, unless (as on fast loopback) it happened to read the 413 first. On a real path the
  413 is often lost that way, so the real reason never reaches the user.
How to recognise it: an RST from the server shortly after its last response bytes, while the
client was still sending data; no FIN from the server before it. Fix: read (drain) the body
before closing, or answer early with "Connection: close" and keep reading until the client
stops (what Node's http server does for you unless the socket is destroyed).`,

  // From the request's first byte to the reset that ended it.
  expectedCost(packets) {
    const port = serverPort(packets);
    const start = withPayload(toPort(packets, port))[0];
    const rst = resets(fromPort(packets, port))[0];
    const costMs = start && rst ? rst.timeMs - start.timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.25 * costMs) };
  },

  async run(ctx) {
    const net = ctx.loopback();
    const server = ctx.agent("server", net.server, { host: net.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(net.client, `tcp port ${port}`, 200);
    const client = ctx.agent("client", net.client, { host: net.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("clientError", String(result.errorCode || `HTTP ${result.status}`));
  },

  check(packets) {
    const port = serverPort(packets);
    const serverRsts = resets(fromPort(packets, port));
    const rst = serverRsts[0];
    const serverFins = fromPort(packets, port).filter((p) => hasFlags(p, TcpFlag.FIN));
    const uploaded = withPayload(toPort(packets, port)).filter((p) => !rst || p.frame < rst.frame);
    const uploadedBytes = uploaded.reduce((sum, p) => sum + p.payloadLenBytes, 0);
    return [
      {
        name: "the server sent RST",
        ok: rst !== undefined,
        detail: rst ? `frame ${rst.frame}` : "none",
      },
      {
        name: "without a FIN first (not a clean close)",
        ok: rst !== undefined && serverFins.every((f) => f.frame > rst.frame),
        detail: `${serverFins.length} FIN from the server`,
      },
      {
        name: "the client had sent request data the server never read",
        ok: uploadedBytes > 0 && uploadedBytes < UPLOAD_BYTES + 1024,
        detail: `${uploadedBytes} bytes sent before the RST`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      // pauseOnConnect: this process never reads from the socket, so what the client sent stays
      // in the kernel's receive buffer, as it does when an app rejects a request unread.
      const server = net.createServer({ pauseOnConnect: true }, (socket) => {
        setTimeout(() => {
          socket.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
          socket.destroy();
        }, REJECT_AFTER_MS);
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        method: "POST",
        path: "/upload",
        agent: new http.Agent({ keepAlive: false }),
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(UPLOAD_BYTES),
        timeoutMs: 5000,
      });
      return { errorCode: outcome.errorCode, status: outcome.status };
    },
  },
};
