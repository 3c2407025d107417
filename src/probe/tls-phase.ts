/**
 * The TLS phase, on the TCP connection the connect phase opened (so the handshake is timed on its
 * own). SNI is sent only for names (RFC 6066 §3 forbids address literals); the certificate is
 * checked against the URL's host. With --insecure the handshake goes on, and the certificate
 * problem is still returned so it can be reported.
 */
import type { Socket } from "node:net";
import {
  type ConnectionOptions,
  checkServerIdentity,
  type TLSSocket,
  connect as tlsConnect,
} from "node:tls";
import type { TlsInfo } from "./types.ts";

export interface TlsPhaseOptions {
  hostname: string;
  hostIsIp: boolean;
  alpn: string[];
  insecure: boolean;
  ca: Buffer | undefined;
  session: Buffer | undefined;
  timeoutMs: number;
}

export type TlsOutcome =
  | { ok: true; socket: TLSSocket; info: TlsInfo; session: () => Buffer | undefined }
  | { ok: false; code: string; message: string };

export function startTls(tcp: Socket, options: TlsPhaseOptions): Promise<TlsOutcome> {
  return new Promise((resolve) => {
    let latestSession: Buffer | undefined;
    const connectOptions: ConnectionOptions = {
      socket: tcp,
      host: options.hostname,
      servername: options.hostIsIp ? undefined : options.hostname,
      ALPNProtocols: options.alpn,
      // Verify ourselves after the handshake so --insecure can still say what was wrong.
      rejectUnauthorized: false,
      ca: options.ca,
      session: options.session,
    };
    const tls = tlsConnect(connectOptions);
    // TLS 1.3 sends tickets after the handshake; keep the newest for --tls-resume.
    tls.on("session", (session: Buffer) => {
      latestSession = session;
    });
    const timer = setTimeout(() => {
      tls.destroy();
      resolve({
        ok: false,
        code: "ETIMEDOUT",
        message: `TLS handshake not finished within ${options.timeoutMs} ms`,
      });
    }, options.timeoutMs);
    tls.once("secureConnect", () => {
      clearTimeout(timer);
      tls.removeAllListeners("error");
      tls.on("error", ignoreError);
      const problem = certificateProblem(tls, options);
      if (problem && !options.insecure) {
        tls.destroy();
        resolve({ ok: false, code: problem.code, message: problem.message });
        return;
      }
      resolve({
        ok: true,
        socket: tls,
        info: describe(tls, problem?.code ?? null),
        session: () => latestSession ?? tls.getSession(),
      });
    });
    tls.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      tls.destroy();
      resolve({ ok: false, code: error.code ?? "ETLS", message: error.message });
    });
  });
}

function certificateProblem(
  tls: TLSSocket,
  options: TlsPhaseOptions,
): { code: string; message: string } | undefined {
  const cert = tls.getPeerCertificate();
  // checkServerIdentity is the check Node applies when rejectUnauthorized is on; its message
  // names the host and the certificate's names.
  const identity = () =>
    checkServerIdentity(options.hostname, cert) as NodeJS.ErrnoException | undefined;
  if (!tls.authorized) {
    const reason = tls.authorizationError as unknown as Error | string | null;
    const code =
      (typeof reason === "string" ? reason : (reason as NodeJS.ErrnoException | null)?.code) ??
      "CERT_UNTRUSTED";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
      const error = identity();
      return { code, message: error?.message ?? "the certificate is not for this host" };
    }
    return { code, message: describeCertificateError(code, cert) };
  }
  // A resumed session carries no certificate: it was checked when the session was made.
  if (tls.isSessionReused()) return undefined;
  const error = identity();
  if (error) return { code: error.code ?? "ERR_TLS_CERT_ALTNAME_INVALID", message: error.message };
  return undefined;
}

/** OpenSSL's verify codes (x509_vfy.h), in words, with the dates that matter. */
function describeCertificateError(
  code: string,
  cert: { valid_from?: string; valid_to?: string; issuer?: unknown },
): string {
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return `the certificate expired on ${cert.valid_to}`;
    case "CERT_NOT_YET_VALID":
      return `the certificate is valid only from ${cert.valid_from}`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "the server sent a self-signed certificate";
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "the chain ends in a self-signed root this client does not trust";
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
      return "the issuer of the certificate is not among the trusted CAs (unknown CA, or a missing intermediate)";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return "the leaf certificate's signature cannot be verified (the server sent no intermediate)";
    default:
      return code;
  }
}

function describe(tls: TLSSocket, authorizationError: string | null): TlsInfo {
  const cert = tls.getPeerCertificate();
  const hasCert = cert && Object.keys(cert).length > 0;
  return {
    version: tls.getProtocol(),
    alpn: typeof tls.alpnProtocol === "string" ? tls.alpnProtocol : null,
    resumed: tls.isSessionReused(),
    cipher: tls.getCipher()?.name ?? null,
    authorizationError,
    certificate: hasCert
      ? {
          subject: formatName(cert.subject as unknown as Record<string, string | string[]>),
          issuer: formatName(cert.issuer as unknown as Record<string, string | string[]>),
          validFrom: cert.valid_from ?? null,
          validTo: cert.valid_to ?? null,
          altNames: cert.subjectaltname ?? null,
        }
      : null,
  };
}

function formatName(name: Record<string, string | string[]> | undefined): string | null {
  if (!name) return null;
  const parts = Object.entries(name).map(
    ([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`,
  );
  return parts.length > 0 ? parts.join(", ") : null;
}

function ignoreError(): void {}
