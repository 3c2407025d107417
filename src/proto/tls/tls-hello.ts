/**
 * ClientHello and ServerHello bodies (RFC 8446 §4.1.2, §4.1.3; RFC 5246 §7.4.1) and the
 * extensions wirewhy reports. Every length is checked against the bytes present: a short or
 * inconsistent hello yields what was read before the damage and a problem name.
 */
import { latin1Text } from "../latin1.ts";
import type { TlsSessionMessage } from "./tls-message.ts";
import { isGrease } from "./tls-names.ts";

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of the name). */
// biome-ignore format: 32 bytes
const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_SESSION_TICKET = 35;
const EXT_PRE_SHARED_KEY = 41;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_VERSIONS = 43;

const MAX_ALPN_ENTRIES = 16;
const MAX_VERSIONS = 16;

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** Session id of the last ClientHello, to recognise TLS ≤1.2 resumption by its echo. */
export class HelloState {
  clientSessionId: Uint8Array = new Uint8Array(0);
}

/** Parses a ClientHello body; returns "" or a problem name. */
export function parseClientHello(
  b: Uint8Array,
  start: number,
  end: number,
  s: TlsSessionMessage,
  state: HelloState,
): string {
  let p = start;
  if (p + 35 > end) return "tls-bad-client-hello";
  s.clientLegacyVersion = u16(b, p);
  p += 34; // version + random
  const sidLen = b[p++];
  if (p + sidLen > end) return "tls-bad-client-hello";
  state.clientSessionId = b.slice(p, p + sidLen);
  p += sidLen;
  if (p + 2 > end) return "tls-bad-client-hello";
  const csLen = u16(b, p);
  p += 2;
  if (p + csLen > end) return "tls-bad-client-hello";
  s.cipherSuitesOffered = 0;
  for (let i = p; i + 1 < p + csLen; i += 2) if (!isGrease(u16(b, i))) s.cipherSuitesOffered++;
  p += csLen;
  if (p + 1 > end) return "tls-bad-client-hello";
  const compLen = b[p++];
  p += compLen;
  s.serverName = "";
  s.alpnOffered = [];
  s.versionsOffered = [];
  s.pskOffered = false;
  s.earlyDataOffered = false;
  s.sessionTicketOffered = false;
  if (p === end) return ""; // no extensions (allowed before TLS 1.3)
  if (p + 2 > end) return "tls-bad-client-hello";
  const extEnd = p + 2 + u16(b, p);
  p += 2;
  if (extEnd > end) return "tls-bad-client-hello";
  while (p + 4 <= extEnd) {
    const type = u16(b, p);
    const len = u16(b, p + 2);
    const ds = p + 4;
    const de = ds + len;
    if (de > extEnd) return "tls-bad-client-hello";
    switch (type) {
      case EXT_SERVER_NAME: {
        // ServerNameList: u16 length, then entries of type u8 (0 = host_name), u16 length, name.
        let q = ds + 2;
        while (q + 3 <= de) {
          const nameType = b[q];
          const nameLen = u16(b, q + 1);
          if (q + 3 + nameLen > de) break;
          if (nameType === 0 && s.serverName === "")
            s.serverName = latin1Text(b, q + 3, q + 3 + nameLen, 255);
          q += 3 + nameLen;
        }
        break;
      }
      case EXT_ALPN: {
        let q = ds + 2;
        while (q < de && s.alpnOffered.length < MAX_ALPN_ENTRIES) {
          const l = b[q];
          if (q + 1 + l > de) break;
          s.alpnOffered.push(latin1Text(b, q + 1, q + 1 + l, 255));
          q += 1 + l;
        }
        break;
      }
      case EXT_SUPPORTED_VERSIONS: {
        const l = b[ds];
        for (let q = ds + 1; q + 1 < ds + 1 + l && q + 1 < de; q += 2) {
          const v = u16(b, q);
          if (!isGrease(v) && s.versionsOffered.length < MAX_VERSIONS) s.versionsOffered.push(v);
        }
        break;
      }
      case EXT_PRE_SHARED_KEY:
        s.pskOffered = true;
        break;
      case EXT_EARLY_DATA:
        s.earlyDataOffered = true;
        break;
      case EXT_SESSION_TICKET:
        if (len > 0) s.sessionTicketOffered = true;
        break;
    }
    p = de;
  }
  return "";
}

/** Parses a ServerHello body; returns "" or a problem name. Sets helloRetryRequest. */
export function parseServerHello(
  b: Uint8Array,
  start: number,
  end: number,
  s: TlsSessionMessage,
  state: HelloState,
): string {
  let p = start;
  if (p + 35 > end) return "tls-bad-server-hello";
  const legacy = u16(b, p);
  let hrr = true;
  for (let i = 0; i < 32; i++) {
    if (b[p + 2 + i] !== HRR_RANDOM[i]) {
      hrr = false;
      break;
    }
  }
  p += 34;
  const sidLen = b[p++];
  if (p + sidLen + 3 > end) return "tls-bad-server-hello";
  let echoed = sidLen > 0 && sidLen === state.clientSessionId.length;
  for (let i = 0; echoed && i < sidLen; i++)
    if (b[p + i] !== state.clientSessionId[i]) echoed = false;
  p += sidLen;
  const cipher = u16(b, p);
  p += 3; // cipher suite + compression method
  let selected = 0;
  let psk = false;
  let alpn = "";
  if (p + 2 <= end) {
    const extEnd = Math.min(end, p + 2 + u16(b, p));
    p += 2;
    while (p + 4 <= extEnd) {
      const type = u16(b, p);
      const len = u16(b, p + 2);
      const ds = p + 4;
      if (ds + len > extEnd) return "tls-bad-server-hello";
      if (type === EXT_SUPPORTED_VERSIONS && len >= 2) selected = u16(b, ds);
      else if (type === EXT_PRE_SHARED_KEY) psk = true;
      else if (type === EXT_ALPN && len >= 3) {
        const l = b[ds + 2];
        if (ds + 3 + l <= ds + len) alpn = latin1Text(b, ds + 3, ds + 3 + l, 255);
      }
      p = ds + len;
    }
  }
  if (hrr) {
    s.helloRetryRequest = true;
    if (selected !== 0) s.version = selected;
    s.cipherSuite = cipher;
    return "";
  }
  s.serverHelloSeen = true;
  s.version = selected !== 0 ? selected : legacy;
  s.cipherSuite = cipher;
  if (alpn !== "") s.alpn = alpn;
  s.resumed = s.version === 0x0304 ? psk : echoed;
  return "";
}

/** Counts certificates in a TLS ≤1.2 Certificate body (RFC 5246 §7.4.2); -1 when malformed. */
export function countCertificates(b: Uint8Array, start: number, end: number): number {
  if (start + 3 > end) return -1;
  const listEnd = start + 3 + ((b[start] << 16) | (b[start + 1] << 8) | b[start + 2]);
  if (listEnd > end) return -1;
  let count = 0;
  let p = start + 3;
  while (p + 3 <= listEnd) {
    p += 3 + ((b[p] << 16) | (b[p + 1] << 8) | b[p + 2]);
    if (p > listEnd) return -1;
    count++;
  }
  return count;
}
