/**
 * Lab: a TLS connection's normal end. The server (Node's https server) answers a request marked
 * `Connection: close`, sends its close_notify and FIN, and closes its socket; the client's TLS
 * stack answers the close_notify with its own (RFC 8446 §6.1: each side sends close_notify before
 * closing its write side) and its FIN. By then the server's socket is gone, so its kernel answers
 * the client's short alert record with RST (data for a closed socket, RFC 9293 §3.10.7.4). Every
 * response arrived whole: a normal shutdown that merely looks like a reset.
 */
import https from "node:https";
import tls from "node:tls";
import { TcpFlag } from "../../decode/types.ts";
import { fromPort, hasFlags, resets, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";
import { selfSignedCertificate } from "./slow-tls-handshake.ts";

const CONNECTIONS = 3;
/**
 * The last connection caps the version at TLS 1.2, whose close_notify is a record of its own
 * type (21, encrypted: 31 bytes with AES-GCM); in TLS 1.3 it hides in an application_data record
 * (24 bytes). The capture shows both.
 */
const TLS12_CONNECTION = CONNECTIONS - 1;
const SERVER_NAME = "tls-shutdown.lab.test";
/** The client answers the server's close_notify this long after it, as a path's flight time would. */
const CLIENT_CLOSE_DELAY_MS = 50;
/** TLS record content types (RFC 8446 §5.1). */
const TLS_ALERT = 21;
const TLS_APPLICATION_DATA = 23;
/**
 * The longest record that is only a close_notify: a clear alert is 5 + 2 bytes; an encrypted one
 * (TLS 1.3's inner type 21 and a 16-byte AEAD tag, or TLS 1.2's explicit nonce, tag or MAC and
 * padding) stays under 64.
 */
const MAX_ALERT_RECORD_BYTES = 64;

export const tlsShutdownReset: Lab = {
  name: "tls-shutdown-reset",
  title: "a TLS server closes after its response; the client's close_notify draws an RST: normal",
  layer: "server-os",
  kind: "tls-shutdown-reset",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback; cost = 0 (every response arrived whole before the RST; the shutdown costs nothing)",
  lesson: `The client makes ${CONNECTIONS} HTTPS requests, each on a new connection marked "Connection: close"
(the last one in TLS 1.2, the others in TLS 1.3).
The server answers, sends its close_notify alert and its FIN, and closes the socket.
At each layer:
- server app: done; it closed the connection as HTTP/1.1 asks for Connection: close.
- client app (its TLS library): reads the response and the server's close_notify, and answers
  with a close_notify of its own and its FIN, as RFC 8446 §6.1 says it should.
- server OS: that close_notify is data for a socket its app has already closed: the kernel
  cannot deliver it and answers with RST (counted as TcpExtTCPAbortOnData).
- client: nothing fails; the response was complete before the RST arrived.
How to recognise it: a short TLS record (an alert, ~24-31 bytes) from the client after the
server's FIN and after the whole response, answered by RST from the server. It is not a
keep-alive reuse race (no request was sent) and not an abort (the server closed with FIN).
Nothing to fix. If RST counters alarm someone, a server can half-close (shutdown its write side,
then wait for the client's close_notify or FIN) before closing.`,
  expectedCost: () => ({ costMs: 0, toleranceMs: 1 }),

  async run(ctx) {
    const where = ctx.loopback();
    const server = ctx.agent("server", where.server, { host: where.server.address });
    const { port, certPem } = await server.waitFor("ready", 10_000);
    await ctx.startCapture(where.client, `tcp port ${port}`, 600);
    const client = ctx.agent("client", where.client, {
      host: where.server.address,
      port,
      certPem,
    });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("connections", CONNECTIONS);
    ctx.fact("responses", String(result.statuses));
    ctx.fact("clientErrors", String(result.errors || "none"));
  },

  check(packets) {
    const port = serverPort(packets);
    const clientPorts = [...new Set(toPort(packets, port).map((p) => p.srcPort))];
    const ends = clientPorts.map((clientPort) => {
      const conn = packets.filter((p) => p.srcPort === clientPort || p.dstPort === clientPort);
      const serverFin = fromPort(conn, port).find((p) => hasFlags(p, TcpFlag.FIN));
      const clientData = withPayload(toPort(conn, port));
      const last = clientData[clientData.length - 1];
      const rst = resets(fromPort(conn, port))[0];
      const shortAlert =
        last !== undefined &&
        last.payloadLenBytes <= MAX_ALERT_RECORD_BYTES &&
        (last.payload[0] === TLS_ALERT || last.payload[0] === TLS_APPLICATION_DATA);
      return { clientPort, serverFin, last, rst, shortAlert };
    });
    const frame = (p: { frame: number } | undefined) => (p ? String(p.frame) : "-");
    return [
      {
        name: `${CONNECTIONS} TLS connections`,
        ok: clientPorts.length === CONNECTIONS,
        detail: `${clientPorts.length} client ports`,
      },
      {
        name: "the client's last record is a short alert, sent after the server's FIN",
        ok: ends.every(
          (e) => e.shortAlert && e.serverFin !== undefined && e.last!.frame > e.serverFin.frame,
        ),
        detail: ends
          .map(
            (e) =>
              `FIN ${frame(e.serverFin)}, ${e.last?.payloadLenBytes ?? 0} B at ${frame(e.last)}`,
          )
          .join("; "),
      },
      {
        name: "the server's kernel answered it with RST",
        ok: ends.every(
          (e) => e.rst !== undefined && e.last !== undefined && e.rst.frame > e.last.frame,
        ),
        detail: ends.map((e) => `RST ${frame(e.rst)}`).join(", "),
      },
    ];
  },

  agents: {
    async server(params, io) {
      const { key, cert } = selfSignedCertificate(SERVER_NAME);
      const server = https.createServer({ key, cert }, (req, res) => {
        req.resume();
        req.on("end", () => {
          res.setHeader("Connection", "close");
          res.end("goodbye\n");
        });
      });
      const port = await listenOnFreePort(server, { host: String(params.host) });
      // One request before the capture starts: the first handshake and response of a fresh
      // process are slower (code not yet compiled), which would read as server think time.
      await closingRequest(String(params.host), port, cert, "/warm-up");
      io.emit("ready", { port, certPem: cert });
      return forever();
    },

    async client(params) {
      const answers: string[] = [];
      const errors: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) {
        const outcome = await closingRequest(
          String(params.host),
          Number(params.port),
          String(params.certPem),
          `/bye/${i}`,
          i === TLS12_CONNECTION ? "TLSv1.2" : "TLSv1.3",
        );
        answers.push(outcome.statusLine);
        if (outcome.error !== "") errors.push(outcome.error);
      }
      return { statuses: answers.join(","), errors: errors.join(",") };
    },
  },
};

/**
 * One HTTPS request on a new connection marked "Connection: close", ended the way most clients
 * end it. Half-open: the client reads the server's close_notify ("end") and answers it with its
 * own close_notify and FIN CLIENT_CLOSE_DELAY_MS later. On a real path that answer reaches the
 * server a round trip after its close_notify, long after its FIN; on loopback there is no flight
 * time, so the client waits as the path would. (Node's http client ends a "Connection: close"
 * socket itself once the response is complete, which races the server's close: the capture would
 * show either ending.)
 */
function closingRequest(
  host: string,
  port: number,
  ca: string,
  path: string,
  maxVersion: tls.SecureVersion = "TLSv1.3",
): Promise<{ statusLine: string; error: string }> {
  return new Promise((resolve) => {
    // tls.connect passes allowHalfOpen on to its socket; @types/node does not declare it.
    const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      host,
      port,
      servername: SERVER_NAME,
      ca,
      allowHalfOpen: true,
      maxVersion,
    };
    const socket = tls.connect(options);
    let response = "";
    let error = "";
    socket.setEncoding("latin1");
    socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
    socket.once("secureConnect", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${SERVER_NAME}\r\nConnection: close\r\n\r\n`),
    );
    socket.on("data", (chunk: string) => {
      response += chunk;
    });
    socket.once("end", () => setTimeout(() => socket.end(), CLIENT_CLOSE_DELAY_MS));
    socket.once("close", () => {
      resolve({ statusLine: response.slice(0, response.indexOf("\r\n")) || "nothing", error });
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
  });
}
