/**
 * TCP options (RFC 9293 §3.2): kind, then for every kind but EOL and NOP a length byte counting
 * kind and length. Interpreted: MSS (2, RFC 9293), window scale (3, RFC 7323 §2), SACK-permitted
 * (4) and SACK blocks (5, RFC 2018), timestamps (8, RFC 7323 §3), TCP Fast Open (34, RFC 7413).
 * Every other kind (MPTCP 30, TCP-AO 29, MD5 19, experiments 253/254, ...) is kept as kind, offset
 * and length. A length byte that is below 2, runs past the header, or does not fit the kind sets
 * tcpOptionsMalformed and ends the walk (RFC 9293 §3.2: a receiver must cope with illegal option
 * lengths); the segment itself still decodes. Options cut by the snaplen just end the walk.
 */
import { u16be, u32be } from "./big-endian.ts";
import { MAX_SACK_BLOCKS, MAX_TCP_OTHER_OPTIONS } from "./packet-view.ts";
import type { PacketView } from "./types.ts";

export const TcpOptionKind = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMPS: 8,
  MPTCP: 30,
  FAST_OPEN: 34,
} as const;

const SACK_BLOCK_BYTES = 8;
/** RFC 7413 §4.1.1: a cookie of 4 to 16 bytes, or none (a cookie request: length 2). */
const FAST_OPEN_MIN_COOKIE_OPTION_BYTES = 6;
const FAST_OPEN_MAX_OPTION_BYTES = 18;

/**
 * NOP, NOP, timestamps: the 12 option bytes Linux and the BSDs put in every segment of a
 * connection that negotiated timestamps (the layout RFC 7323 Appendix A suggests), and so the
 * options of nearly every segment. As one big-endian word: NOP, NOP, kind 8, length 10.
 */
const NOP_NOP_TIMESTAMPS = 0x0101080a;
const NOP_NOP_TIMESTAMPS_BYTES = 12;

/** Walks the options between `start` and `headerEnd` (the data offset), within the captured bytes. */
export function decodeTcpOptions(view: PacketView, start: number, headerEnd: number): void {
  const b = view.bytes;
  const captured = view.capturedEndOffset;
  if (
    headerEnd - start === NOP_NOP_TIMESTAMPS_BYTES &&
    headerEnd <= captured &&
    u32be(b, start) === NOP_NOP_TIMESTAMPS
  ) {
    // What the walk below does with these bytes, without walking.
    view.tcpHasTimestamps = true;
    view.tcpTsVal = u32be(b, start + 4);
    view.tcpTsEcr = u32be(b, start + 8);
    return;
  }
  let i = start;
  while (i < headerEnd && i < captured) {
    const kind = b[i];
    if (kind === TcpOptionKind.EOL) return;
    if (kind === TcpOptionKind.NOP) {
      i++;
      continue;
    }
    if (i + 2 > headerEnd) {
      view.tcpOptionsMalformed = true;
      return;
    }
    if (i + 2 > captured) return;
    const len = b[i + 1];
    if (len < 2 || i + len > headerEnd) {
      view.tcpOptionsMalformed = true;
      return;
    }
    if (i + len > captured) return;
    if (!lengthFitsKind(kind, len)) {
      view.tcpOptionsMalformed = true;
      return;
    }
    switch (kind) {
      case TcpOptionKind.MSS:
        view.tcpMss = u16be(b, i + 2);
        break;
      case TcpOptionKind.WINDOW_SCALE:
        // Kept raw; RFC 7323 §2.3 caps the effective shift at 14, which is the TCP stage's call.
        view.tcpWindowScale = b[i + 2];
        break;
      case TcpOptionKind.SACK_PERMITTED:
        view.tcpSackPermitted = true;
        break;
      case TcpOptionKind.SACK: {
        const blocks = (len - 2) >> 3;
        const sack = view.tcpSack;
        for (let k = 0; k < blocks; k++) {
          sack[2 * k] = u32be(b, i + 2 + k * SACK_BLOCK_BYTES);
          sack[2 * k + 1] = u32be(b, i + 6 + k * SACK_BLOCK_BYTES);
        }
        view.tcpSackCount = blocks;
        break;
      }
      case TcpOptionKind.TIMESTAMPS:
        view.tcpHasTimestamps = true;
        view.tcpTsVal = u32be(b, i + 2);
        view.tcpTsEcr = u32be(b, i + 6);
        break;
      case TcpOptionKind.FAST_OPEN:
        view.tcpFastOpen = true;
        break;
      default:
        if (view.tcpOtherOptionCount < MAX_TCP_OTHER_OPTIONS) {
          const other = view.tcpOtherOptions[view.tcpOtherOptionCount++];
          other.kind = kind;
          other.offset = i;
          other.lenBytes = len;
        }
    }
    i += len;
  }
}

/** Whether a length byte suits the option kind (RFC 9293 §3.2, RFC 7323, RFC 2018, RFC 7413). */
function lengthFitsKind(kind: number, len: number): boolean {
  switch (kind) {
    case TcpOptionKind.MSS:
      return len === 4;
    case TcpOptionKind.WINDOW_SCALE:
      return len === 3;
    case TcpOptionKind.SACK_PERMITTED:
      return len === 2;
    case TcpOptionKind.SACK:
      return (len - 2) % SACK_BLOCK_BYTES === 0 && len >= 10 && (len - 2) >> 3 <= MAX_SACK_BLOCKS;
    case TcpOptionKind.TIMESTAMPS:
      return len === 10;
    case TcpOptionKind.FAST_OPEN:
      return (
        len === 2 || (len >= FAST_OPEN_MIN_COOKIE_OPTION_BYTES && len <= FAST_OPEN_MAX_OPTION_BYTES)
      );
    default:
      return true;
  }
}
