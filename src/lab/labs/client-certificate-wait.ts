/**
 * Lab: mutual TLS where the client is slow to answer the server's CertificateRequest. The server
 * asks for a client certificate (requestCert); the client's TLS stack has its answer at once, but
 * the client application holds its second flight (Certificate, ClientKeyExchange,
 * CertificateVerify, Finished) for CLIENT_DELAY_MS, as a browser does while its user picks a
 * certificate or a client unlocks a key from a token or a keychain. The capture shows the
 * server's flight ending with ServerHelloDone and the client's Certificate that long after: the
 * handshake waited on the client, not on the server.
 */

import https from "node:https";
import net from "node:net";
import { Duplex } from "node:stream";
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
import { selfSignedCertificate } from "./slow-tls-handshake.ts";

const CLIENT_DELAY_MS = 400;
const SERVER_NAME = "mtls.lab.test";
const CLIENT_NAME = "client.mtls.lab.test";
/** TLS record content type 22 (RFC 5246 §6.2.1); handshake types (§7.4). */
const TLS_HANDSHAKE = 22;
const CERTIFICATE = 11;
const CERTIFICATE_REQUEST = 13;

export const clientCertificateWait: Lab = {
  name: "client-certificate-wait",
  title: "mutual TLS: the client takes 400 ms to answer the server's certificate request",
  layer: "client-app",
  kind: "connect-to-request-idle",
  needsRoot: false,
  timeLimitMs: 15_000,
  captureNotes:
    "loopback, TLS 1.2; cost = the server's CertificateRequest flight -> the client's Certificate (the client's 400 ms), plus the idle after the handshake",
  lesson: `The server asks the client for a certificate (mutual TLS). The client application holds
its answer ${CLIENT_DELAY_MS} ms, as a browser does while its user picks a certificate, or a client
unlocking its key from a token or keychain.
At each layer:
- network: the TCP handshake and each TLS flight cross the path in one round trip.
- server app: it sent ServerHello ... CertificateRequest, ServerHelloDone at once and then waited.
- client app: ${CLIENT_DELAY_MS} ms between the server's flight and its own Certificate flight.
How to recognise it: in TLS 1.2 the gap sits between ServerHelloDone (server) and Certificate
(client); a handshake that is slow "in TLS" is not always the server's: look at whose turn it was.
curl's time_appconnect includes it. Cache the chosen certificate, keep the key unlocked, or reuse
connections and sessions so the prompt happens once.`,
  expectedCost: () => ({ costMs: CLIENT_DELAY_MS, toleranceMs: 0.25 * CLIENT_DELAY_MS }),

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
    ctx.fact("clientDelayMs", CLIENT_DELAY_MS);
    ctx.fact("status", String(result.status));
    ctx.fact("peerCertificateSeen", String(result.peerCertificateSeen));
    ctx.fact("clientElapsedMs", Math.round(Number(result.elapsedMs)));
  },

  check(packets) {
    const port = serverPort(packets);
    const handshake = (p: { payload: Uint8Array }, type: number) =>
      p.payload[0] === TLS_HANDSHAKE && includesHandshake(p.payload, type);
    const request = withPayload(fromPort(packets, port)).find((p) =>
      handshake(p, CERTIFICATE_REQUEST),
    );
    const answer = withPayload(toPort(packets, port)).find(
      (p) => request !== undefined && p.frame > request.frame && handshake(p, CERTIFICATE),
    );
    const gap = request && answer ? answer.timeMs - request.timeMs : Number.NaN;
    return [
      {
        name: "the server asks for a client certificate (CertificateRequest seen)",
        ok: request !== undefined,
        detail: request ? `frame ${request.frame}` : "none",
      },
      {
        name: `the client's Certificate comes after its ${CLIENT_DELAY_MS} ms hold`,
        ok: coversTimer(gap, CLIENT_DELAY_MS) && gap < CLIENT_DELAY_MS * 2,
        detail: ms(gap),
      },
      {
        name: "the connection ends without RST (nothing else to blame)",
        ok: resets(packets).length === 0,
        detail: `${resets(packets).length} RST`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      const { key, cert } = selfSignedCertificate(SERVER_NAME);
      const server = https.createServer(
        {
          key,
          cert,
          maxVersion: "TLSv1.2",
          requestCert: true,
          // The lab checks who waited, not the certificate's chain.
          rejectUnauthorized: false,
        },
        (req, res) => {
          req.resume();
          const seen = (req.socket as tls.TLSSocket).getPeerCertificate()?.subject !== undefined;
          req.on("end", () => res.end(seen ? "hello, certificate holder\n" : "no certificate\n"));
        },
      );
      const port = await listenOnFreePort(server, { host: String(params.host) });
      io.emit("ready", { port, certPem: cert });
      return forever();
    },

    async client(params) {
      const { key, cert } = selfSignedCertificate(CLIENT_NAME);
      const started = performance.now();
      const raw = net.connect(Number(params.port), String(params.host));
      raw.setNoDelay(true);
      const held = holdSecondFlight(raw, CLIENT_DELAY_MS);
      return await new Promise<Record<string, unknown>>((resolve, reject) => {
        const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
          socket: held,
          servername: SERVER_NAME,
          ca: String(params.certPem),
          key,
          cert,
          maxVersion: "TLSv1.2",
          allowHalfOpen: true,
        };
        const socket = tls.connect(options);
        socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
        let body = "";
        socket.once("secureConnect", () =>
          socket.write(`GET / HTTP/1.1\r\nHost: ${SERVER_NAME}\r\nConnection: close\r\n\r\n`),
        );
        socket.on("data", (d: Buffer) => {
          body += d.toString("latin1");
        });
        socket.once("end", () => {
          socket.destroy();
          raw.end();
          resolve({
            status: /^HTTP\/1\.1 (\d+)/.exec(body)?.[1] ?? "none",
            peerCertificateSeen: body.includes("certificate holder"),
            elapsedMs: performance.now() - started,
          });
        });
        socket.once("error", reject);
      });
    },
  },
};

/**
 * A stream over `raw` that passes the client's first write (its ClientHello) at once and holds
 * the first write after the server has spoken (its second flight) for `delayMs`: the client
 * application taking its time to answer. Later writes follow in order.
 */
function holdSecondFlight(raw: net.Socket, delayMs: number): Duplex {
  let serverSpoke = false;
  let held = false;
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      if (serverSpoke && !held) {
        held = true;
        setTimeout(() => raw.write(chunk, done), delayMs);
        return;
      }
      raw.write(chunk, done);
    },
    final(done) {
      raw.end();
      done();
    },
  });
  raw.on("data", (d: Buffer) => {
    serverSpoke = true;
    stream.push(d);
  });
  raw.on("end", () => stream.push(null));
  raw.on("error", (e) => stream.destroy(e));
  return stream;
}

/** Whether a record's payload (one or more handshake messages) holds one of type `type`. */
function includesHandshake(payload: Uint8Array, type: number): boolean {
  // Walk the records in the segment, then the handshake messages in each (unencrypted, 1.2).
  let at = 0;
  while (at + 5 <= payload.length) {
    const contentType = payload[at]!;
    const length = (payload[at + 3]! << 8) | payload[at + 4]!;
    if (contentType === TLS_HANDSHAKE) {
      let m = at + 5;
      const end = Math.min(at + 5 + length, payload.length);
      while (m + 4 <= end) {
        if (payload[m] === type) return true;
        m += 4 + ((payload[m + 1]! << 16) | (payload[m + 2]! << 8) | payload[m + 3]!);
      }
    }
    at += 5 + length;
  }
  return false;
}
