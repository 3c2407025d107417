/**
 * Which parser a TCP connection needs, from its first bytes (and the server port where the bytes
 * cannot tell). Looks at one chunk, allocates nothing.
 */
import { startsWithAscii } from "./latin1.ts";
import type { StreamDir } from "./types.ts";

export type StreamProtocol = "http1" | "http2" | "tls" | "dns" | "generic";

/** DNS over TCP (RFC 1035 §4.2.2; RFC 7766). */
const DNS_PORT = 53;

const METHODS = [
  "GET ",
  "POST ",
  "PUT ",
  "HEAD ",
  "DELETE ",
  "OPTIONS ",
  "PATCH ",
  "CONNECT ",
  "TRACE ",
];
const PREFACE = "PRI * HTTP/2.0";

/** True when `bytes` is a prefix of `ascii` or starts with it. */
function matchesPrefix(bytes: Uint8Array, ascii: string): boolean {
  const n = Math.min(bytes.length, ascii.length);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/**
 * The HTTP/2 server preface is a SETTINGS frame on stream 0 (RFC 9113 §3.4), which a server may
 * send before the client's preface arrives: length a multiple of 6, type 4, flags 0, stream 0.
 */
function isServerPreface(b: Uint8Array): boolean {
  if (b.length < 9) return false;
  const length = (b[0] << 16) | (b[1] << 8) | b[2];
  return (
    length % 6 === 0 &&
    length <= 16384 &&
    b[3] === 4 &&
    b[4] === 0 &&
    b[5] === 0 &&
    b[6] === 0 &&
    b[7] === 0 &&
    b[8] === 0
  );
}

/**
 * Decides from the first chunk of data seen on the connection, sent by `dir`. A server speaking
 * first is HTTP/1 only when it sends a status line (a capture that began mid-connection).
 */
export function sniffStreamProtocol(
  dir: StreamDir,
  bytes: Uint8Array,
  serverPort: number,
): StreamProtocol {
  if (serverPort === DNS_PORT) return "dns";
  if (bytes.length === 0) return "generic";
  // A TLS handshake record: type 22, version 3.x (RFC 8446 §5.1; SSL 3.0 to TLS 1.3 all use 3.x).
  if (bytes.length >= 3 && bytes[0] === 0x16 && bytes[1] === 3 && bytes[2] <= 4) return "tls";
  if (dir === 1) {
    if (startsWithAscii(bytes, 0, "HTTP/1.")) return "http1";
    return isServerPreface(bytes) ? "http2" : "generic";
  }
  if (matchesPrefix(bytes, PREFACE)) return "http2";
  for (const m of METHODS) {
    if (matchesPrefix(bytes, m) && bytes.length >= Math.min(4, m.length)) {
      return firstLineLacksHttpVersion(bytes) ? "generic" : "http1";
    }
  }
  return "generic";
}

/**
 * The chunk holds a whole first line and it does not end with an HTTP version: a line protocol
 * that shares a verb with HTTP ("GET key" of Redis's inline commands or a key-value store), not an
 * HTTP/1 request line ("method SP target SP HTTP-version", RFC 9112 §3). A first line cut by the
 * chunk's end is given the benefit of the doubt.
 */
function firstLineLacksHttpVersion(b: Uint8Array): boolean {
  const lf = b.indexOf(0x0a);
  if (lf < 0) return false;
  const end = lf > 0 && b[lf - 1] === 0x0d ? lf - 1 : lf;
  const version = "HTTP/1.";
  const at = end - version.length - 1;
  if (at < 1 || b[at - 1] !== 0x20) return true;
  for (let i = 0; i < version.length; i++) {
    if (b[at + i] !== version.charCodeAt(i)) return true;
  }
  return false;
}
