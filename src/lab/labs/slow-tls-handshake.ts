/**
 * Lab: slow TLS termination. The server's SNI callback (where servers pick a certificate, often
 * from a remote store or a cold cache) takes SNI_DELAY_MS before the handshake can go on, so the
 * ServerHello comes that long after the ClientHello on every new connection.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import {
  coversTimer,
  fromPort,
  ms,
  resets,
  serverPort,
  toPort,
  withPayload,
} from "../capture-queries.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const SNI_DELAY_MS = 300;
const CONNECTIONS = 3;
const SERVER_NAME = "slow-tls.lab.test";
/** TLS record content type 22 (RFC 8446 §5.1), and handshake types ClientHello 1, ServerHello 2. */
const TLS_HANDSHAKE = 22;

export const slowTlsHandshake: Lab = {
  name: "slow-tls-handshake",
  title: "a TLS server whose SNI callback takes 300 ms: every handshake waits for it",
  layer: "server-app",
  kind: "slow-tls-handshake",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes: "loopback; cost = sum over 3 connections of (ServerHello - ClientHello)",
  lesson: `The client opens ${CONNECTIONS} new HTTPS connections. The server's SNI callback, which picks the
certificate for the requested name, takes ${SNI_DELAY_MS} ms (a remote key store, an ACME lookup, a cold cache).
At each layer:
- network: the TCP handshake completes in one round trip; the ClientHello is ACKed at once.
- server OS: nothing queued.
- server app (TLS termination): ${SNI_DELAY_MS} ms between ClientHello and ServerHello, on every new
  connection; the HTTP request cannot start until the handshake ends.
How to recognise it: a gap after the ClientHello, before the ServerHello, much longer than the
round trip; the same on every full handshake, gone on resumed sessions if resumption skips the
slow step. curl shows it as time_appconnect - time_connect. Cache certificates and keys, offload
TLS, or enable session resumption; measure the terminator (load balancer, proxy), not the app
behind it.`,
  expectedCost: (_packets, facts) => ({
    costMs: SNI_DELAY_MS * Number(facts.connections),
    toleranceMs: 0.2 * SNI_DELAY_MS * Number(facts.connections),
  }),

  async run(ctx) {
    const where = ctx.loopback();
    const server = ctx.agent("server", where.server, { host: where.server.address });
    const { port, certPem } = await server.waitFor("ready", 10_000);
    await ctx.startCapture(where.client, `tcp port ${port}`, 1600);
    const client = ctx.agent("client", where.client, {
      host: where.server.address,
      port,
      certPem,
    });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("sniDelayMs", SNI_DELAY_MS);
    ctx.fact("connections", CONNECTIONS);
    ctx.fact("slowestRequestMs", Math.round(Number(result.slowestMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const hellos = withPayload(toPort(packets, port)).filter(
      (p) => p.payload[0] === TLS_HANDSHAKE && p.payload[5] === 1,
    );
    const gaps = hellos.map((hello) => {
      const answer = withPayload(fromPort(packets, port)).find(
        (p) =>
          p.dstPort === hello.srcPort &&
          p.frame > hello.frame &&
          p.payload[0] === TLS_HANDSHAKE &&
          p.payload[5] === 2,
      );
      return answer ? answer.timeMs - hello.timeMs : Number.NaN;
    });
    return [
      {
        name: `${CONNECTIONS} TLS handshakes (ClientHello seen)`,
        ok: hellos.length === CONNECTIONS,
        detail: `${hellos.length} ClientHellos`,
      },
      {
        name: `each ServerHello waits out the SNI callback's ${SNI_DELAY_MS} ms timer`,
        ok: gaps.every((g) => coversTimer(g, SNI_DELAY_MS) && g < SNI_DELAY_MS * 2),
        detail: gaps.map(ms).join(", "),
      },
      {
        name: "every connection ends with FINs, no RST (nothing else to blame)",
        ok: resets(packets).length === 0,
        detail: `${resets(packets).length} RST`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      const { key, cert } = selfSignedCertificate(SERVER_NAME);
      const context = tls.createSecureContext({ key, cert });
      const server = https.createServer(
        {
          key,
          cert,
          SNICallback: (_name, done) => setTimeout(() => done(null, context), SNI_DELAY_MS),
        },
        (req, res) => {
          req.resume();
          req.on("end", () => res.end("secure\n"));
        },
      );
      const port = await listenOnFreePort(server, { host: String(params.host) });
      io.emit("ready", { port, certPem: cert });
      return forever();
    },

    async client(params) {
      let slowestMs = 0;
      for (let i = 0; i < CONNECTIONS; i++) {
        const started = performance.now();
        await new Promise<void>((resolve, reject) => {
          // Half-open allowed, and destroyed once the server's FIN is read: the connection ends
          // with two FINs. (Sending close_notify after the server has closed its socket would
          // draw an RST from the server's kernel, a different cause in the capture.)
          // tls.connect passes allowHalfOpen on to its socket; @types/node does not declare it.
          const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
            host: String(params.host),
            port: Number(params.port),
            servername: SERVER_NAME,
            ca: String(params.certPem),
            allowHalfOpen: true,
          };
          const socket = tls.connect(options);
          socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
          socket.once("secureConnect", () =>
            socket.write(`GET / HTTP/1.1\r\nHost: ${SERVER_NAME}\r\nConnection: close\r\n\r\n`),
          );
          socket.on("data", () => {});
          socket.once("end", () => {
            socket.destroy();
            resolve();
          });
          socket.once("error", reject);
        });
        slowestMs = Math.max(slowestMs, performance.now() - started);
      }
      return { slowestMs };
    },
  },
};

/** A throwaway P-256 certificate for `name`, made with the openssl command for this run only. */
export function selfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-lab-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        `/CN=${name}`,
        "-addext",
        `subjectAltName=DNS:${name}`,
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
