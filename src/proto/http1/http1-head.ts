/**
 * The head of an HTTP/1.x message (RFC 9112 §2.1): start line and header fields up to the empty
 * line. Only the fields that decide framing and pairing are interpreted; the rest are counted.
 */
import { equalsIgnoreCase, indexOfByte, latin1Text, latin1TextReusing } from "../latin1.ts";

/** Longest start-line component kept as text (targets can be long; the byte count stays exact). */
const MAX_TEXT_CHARS = 4096;

/** What one head says. One object per parser direction, refilled for every message. */
export class HttpHead {
  /** "" when the start line is valid; otherwise the anomaly name. */
  problem = "";
  problemDetail = "";
  method = "";
  target = "";
  /** "HTTP/1.1", "HTTP/1.0", or "HTTP/2.0" for the prior-knowledge preface's "PRI * HTTP/2.0". */
  version = "";
  status = 0;
  reason = "";
  host = "";
  /** Value of Upgrade, "" when absent (RFC 9110 §7.8). */
  upgrade = "";
  /** Content-Length, -1 when absent. */
  contentLength = -1;
  /** Content-Length present but unusable (not digits, or differing values). */
  contentLengthInvalid = false;
  /** Transfer-Encoding present; chunked: its last coding is chunked (RFC 9112 §6.3). */
  transferEncoding = false;
  chunked = false;
  connectionClose = false;
  connectionKeepAlive = false;
  expectContinue = false;
  headerCount = 0;
  /** The last non-empty texts this object held: reused when the next head repeats them. */
  lastMethod = "";
  lastTarget = "";
  lastVersion = "";
  lastReason = "";
  lastHost = "";

  reset(): void {
    if (this.method !== "") this.lastMethod = this.method;
    if (this.target !== "") this.lastTarget = this.target;
    if (this.version !== "") this.lastVersion = this.version;
    if (this.reason !== "") this.lastReason = this.reason;
    if (this.host !== "") this.lastHost = this.host;
    this.problem = "";
    this.problemDetail = "";
    this.method = "";
    this.target = "";
    this.version = "";
    this.status = 0;
    this.reason = "";
    this.host = "";
    this.upgrade = "";
    this.contentLength = -1;
    this.contentLengthInvalid = false;
    this.transferEncoding = false;
    this.chunked = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.expectContinue = false;
    this.headerCount = 0;
  }
}

/** RFC 9110 §5.6.2 tchar. */
export function isTokenChar(b: number): boolean {
  if (b >= 0x61 && b <= 0x7a) return true; // a-z
  if (b >= 0x41 && b <= 0x5a) return true; // A-Z
  if (b >= 0x30 && b <= 0x39) return true; // 0-9
  // ! # $ % & ' * + - . ^ _ ` | ~
  return (
    b === 0x21 ||
    (b >= 0x23 && b <= 0x27) ||
    b === 0x2a ||
    b === 0x2b ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x5e ||
    b === 0x5f ||
    b === 0x60 ||
    b === 0x7c ||
    b === 0x7e
  );
}

/** True for "HTTP/d.d" at bytes[at..at+8). */
function isHttpVersion(bytes: Uint8Array, at: number, end: number): boolean {
  return (
    end - at === 8 &&
    bytes[at] === 0x48 &&
    bytes[at + 1] === 0x54 &&
    bytes[at + 2] === 0x54 &&
    bytes[at + 3] === 0x50 &&
    bytes[at + 4] === 0x2f &&
    bytes[at + 5] >= 0x30 &&
    bytes[at + 5] <= 0x39 &&
    bytes[at + 6] === 0x2e &&
    bytes[at + 7] >= 0x30 &&
    bytes[at + 7] <= 0x39
  );
}

/** End of the line starting at `start` (index of LF, or `end`), and its end without CR. */
function lineEnd(bytes: Uint8Array, start: number, end: number): number {
  const lf = indexOfByte(bytes, 0x0a, start, end);
  return lf < 0 ? end : lf;
}

function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (
    end > start &&
    (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09)
  )
    end--;
  return end;
}

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  while (at < end && (bytes[at] === 0x20 || bytes[at] === 0x09)) at++;
  return at;
}

/** Parses a request line "method SP target SP HTTP-version" (RFC 9112 §3). */
function parseRequestLine(bytes: Uint8Array, start: number, end: number, head: HttpHead): void {
  let i = start;
  while (i < end && isTokenChar(bytes[i])) i++;
  if (i === start || i >= end || bytes[i] !== 0x20) {
    head.problem = "http-bad-request-line";
    head.problemDetail = "no method token";
    return;
  }
  head.method = latin1TextReusing(bytes, start, i, MAX_TEXT_CHARS, head.lastMethod);
  const targetStart = i + 1;
  const lastSpace = bytes.lastIndexOf(0x20, end - 1);
  if (lastSpace <= targetStart || !isHttpVersion(bytes, lastSpace + 1, end)) {
    head.problem = "http-bad-request-line";
    head.problemDetail = "no HTTP version after the target";
    return;
  }
  head.target = latin1TextReusing(bytes, targetStart, lastSpace, MAX_TEXT_CHARS, head.lastTarget);
  head.version = latin1TextReusing(bytes, lastSpace + 1, end, MAX_TEXT_CHARS, head.lastVersion);
}

/** Parses a status line "HTTP-version SP 3DIGIT SP [reason]" (RFC 9112 §4). */
function parseStatusLine(bytes: Uint8Array, start: number, end: number, head: HttpHead): void {
  if (end - start < 12 || !isHttpVersion(bytes, start, start + 8) || bytes[start + 8] !== 0x20) {
    head.problem = "http-bad-status-line";
    head.problemDetail = "no HTTP version";
    return;
  }
  let status = 0;
  for (let i = start + 9; i < start + 12; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) {
      head.problem = "http-bad-status-line";
      head.problemDetail = "status code is not three digits";
      return;
    }
    status = status * 10 + d;
  }
  if (end > start + 12 && bytes[start + 12] !== 0x20) {
    head.problem = "http-bad-status-line";
    head.problemDetail = "status code is not three digits";
    return;
  }
  head.version = latin1TextReusing(bytes, start, start + 8, MAX_TEXT_CHARS, head.lastVersion);
  head.status = status;
  head.reason =
    end > start + 13
      ? latin1TextReusing(bytes, start + 13, end, MAX_TEXT_CHARS, head.lastReason)
      : "";
}

/** True when the comma-separated list in bytes[start, end) contains `lowerToken`. */
function listHas(bytes: Uint8Array, start: number, end: number, lowerToken: string): boolean {
  let i = start;
  while (i < end) {
    i = skipSpace(bytes, i, end);
    // Bounded: an unbounded search would run through the body that follows the head.
    let j = indexOfByte(bytes, 0x2c, i, end);
    if (j < 0) j = end;
    const e = trimEnd(bytes, i, j);
    if (equalsIgnoreCase(bytes, i, e, lowerToken)) return true;
    i = j + 1;
  }
  return false;
}

/** True when the last element of the list in bytes[start, end) is `lowerToken`. */
function listEndsWith(bytes: Uint8Array, start: number, end: number, lowerToken: string): boolean {
  let last = start;
  for (let i = start; i < end; i++) if (bytes[i] === 0x2c) last = i + 1;
  last = skipSpace(bytes, last, end);
  const e = trimEnd(bytes, last, end);
  // Transfer codings may carry parameters ("chunked;q=1" is not valid, but be lax).
  let stop = last;
  while (stop < e && bytes[stop] !== 0x3b) stop++;
  return equalsIgnoreCase(bytes, last, trimEnd(bytes, last, stop), lowerToken);
}

function parseContentLength(bytes: Uint8Array, start: number, end: number, head: HttpHead): void {
  // A list of identical values ("5, 5") is allowed (RFC 9110 §8.6); anything else is invalid.
  let i = start;
  while (i < end) {
    i = skipSpace(bytes, i, end);
    let value = 0;
    let digits = 0;
    while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) {
      value = value * 10 + (bytes[i] - 0x30);
      digits++;
      i++;
    }
    i = skipSpace(bytes, i, end);
    if (digits === 0 || digits > 15 || (i < end && bytes[i] !== 0x2c)) {
      head.contentLengthInvalid = true;
      return;
    }
    if (head.contentLength >= 0 && head.contentLength !== value) {
      head.contentLengthInvalid = true;
      return;
    }
    head.contentLength = value;
    i++;
  }
}

/**
 * Parses a complete head in bytes[start, end) (the empty line included). `isRequest` selects the
 * start line's form. Problems are reported in `head.problem`; nothing throws.
 */
export function parseHttpHead(
  bytes: Uint8Array,
  start: number,
  end: number,
  isRequest: boolean,
  head: HttpHead,
): void {
  head.reset();
  const firstEnd = lineEnd(bytes, start, end);
  const firstStop = trimEnd(bytes, start, firstEnd);
  if (isRequest) parseRequestLine(bytes, start, firstStop, head);
  else parseStatusLine(bytes, start, firstStop, head);
  if (head.problem !== "") return;
  let at = firstEnd + 1;
  while (at < end) {
    const e = lineEnd(bytes, at, end);
    const stop = trimEnd(bytes, at, e);
    if (stop === at) break; // the empty line
    // obs-fold continuation lines (RFC 9112 §5.2) belong to the previous field: skip them.
    if (bytes[at] !== 0x20 && bytes[at] !== 0x09) {
      const colon = indexOfByte(bytes, 0x3a, at, stop);
      if (colon > at) {
        head.headerCount++;
        const vs = skipSpace(bytes, colon + 1, stop);
        interpretField(bytes, at, colon, vs, stop, head);
      }
    }
    at = e + 1;
  }
}

function interpretField(
  bytes: Uint8Array,
  ns: number,
  ne: number,
  vs: number,
  ve: number,
  head: HttpHead,
): void {
  switch (ne - ns) {
    case 4:
      if (equalsIgnoreCase(bytes, ns, ne, "host"))
        head.host = latin1TextReusing(bytes, vs, ve, 1024, head.lastHost);
      break;
    case 6:
      if (equalsIgnoreCase(bytes, ns, ne, "expect"))
        head.expectContinue = listHas(bytes, vs, ve, "100-continue");
      break;
    case 7:
      if (equalsIgnoreCase(bytes, ns, ne, "upgrade")) head.upgrade = latin1Text(bytes, vs, ve, 256);
      break;
    case 10:
      if (equalsIgnoreCase(bytes, ns, ne, "connection")) {
        if (listHas(bytes, vs, ve, "close")) head.connectionClose = true;
        if (listHas(bytes, vs, ve, "keep-alive")) head.connectionKeepAlive = true;
      }
      break;
    case 14:
      if (equalsIgnoreCase(bytes, ns, ne, "content-length"))
        parseContentLength(bytes, vs, ve, head);
      break;
    case 17:
      if (equalsIgnoreCase(bytes, ns, ne, "transfer-encoding")) {
        head.transferEncoding = true;
        head.chunked = listEndsWith(bytes, vs, ve, "chunked");
      }
      break;
  }
}
