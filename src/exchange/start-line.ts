/**
 * What the captured start of an HTTP/1 message says when the capture kept only its first bytes
 * (a snaplen such as tcpdump -s 96 cuts payloads): the method and as much of the target as was
 * captured, or the status code. Used for exchanges built from direction turns, when the HTTP
 * parser cannot frame messages whose heads were cut.
 */
import { latin1Text } from "../proto/latin1.ts";

/** A start line longer than this is not looked at further (targets are cut, not the method). */
const MAX_START_LINE_BYTES = 2048;
const SP = 0x20;
const CR = 0x0d;

export interface StartLine {
  method: string;
  target: string;
  /** Response status, 0 when the bytes are no status line (or it was cut before the code). */
  status: number;
}

function isTokenChar(c: number): boolean {
  return c > SP && c < 0x7f && c !== 0x3a;
}

/** Reads `bytes` (the first captured bytes of a message) as a request or status line. */
export function readStartLine(bytes: Uint8Array, out: StartLine): void {
  out.method = "";
  out.target = "";
  out.status = 0;
  const end = Math.min(bytes.length, MAX_START_LINE_BYTES);
  // "HTTP/1.x NNN": a status line (RFC 9112 §4).
  if (end >= 12 && latin1Text(bytes, 0, 7) === "HTTP/1." && bytes[8] === SP) {
    const code = latin1Text(bytes, 9, 12);
    if (/^[1-5][0-9][0-9]$/.test(code)) out.status = Number(code);
    return;
  }
  let i = 0;
  while (i < end && isTokenChar(bytes[i])) i++;
  if (i === 0 || i > 16 || i >= end || bytes[i] !== SP) return;
  out.method = latin1Text(bytes, 0, i);
  const start = i + 1;
  let j = start;
  while (j < end && bytes[j] !== SP && bytes[j] !== CR) j++;
  out.target = latin1Text(bytes, start, j);
}
