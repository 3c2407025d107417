/**
 * Parses /proc/net/tcp, tcp6, udp and udp6 (the format of tcp4_seq_show / udp4_format_sock in
 * net/ipv4/tcp_ipv4.c and udp.c): one socket a line, addresses as hex words in host byte order,
 * ports in hex, the state code, tx_queue:rx_queue, uid and the socket's inode. For a LISTEN socket
 * rx_queue is the current accept-queue length (sk_ack_backlog).
 */
import { endianness } from "node:os";
import { type TcpStateName, tcpStateName } from "./tcp-states.ts";

export interface ProcSocket {
  protocol: "tcp" | "udp";
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** TCP state; for UDP, ESTABLISHED (connected) or CLOSE (unconnected), as the kernel reports. */
  state: TcpStateName;
  txQueueBytes: number;
  /** Bytes waiting to be read; for a listener, connections waiting to be accepted. */
  rxQueue: number;
  uid: number;
  /** 0 for sockets without one (TIME_WAIT, request sockets). */
  inode: number;
  /** UDP only: datagrams dropped at this socket. */
  drops: number | null;
}

const LITTLE_ENDIAN = endianness() === "LE";

/** One 32-bit word of /proc's hex address, in host byte order, as 4 network-order bytes. */
function wordBytes(hex: string, out: number[]): void {
  const b = [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  if (LITTLE_ENDIAN) b.reverse();
  out.push(...b);
}

export function decodeProcAddress(hex: string): { address: string; family: 4 | 6 } {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) wordBytes(hex.slice(i, i + 8), bytes);
  if (bytes.length === 4) return { address: bytes.join("."), family: 4 };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return { address: compressIpv6(groups), family: 6 };
}

/** RFC 5952 §4.2: the longest run of two or more zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d), as ss prints it.
  if (bestStart === 0 && bestLen === 5 && groups[5] === "ffff") {
    const v4 = [6, 7].flatMap((g) => {
      const n = Number.parseInt(groups[g], 16);
      return [n >> 8, n & 0xff];
    });
    return `::ffff:${v4.join(".")}`;
  }
  if (bestStart < 0) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

export function parseProcNetSockets(text: string, protocol: "tcp" | "udp"): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/);
    if (f.length < 10 || !f[0].endsWith(":")) continue;
    const [localHex, localPortHex] = f[1].split(":");
    const [remoteHex, remotePortHex] = f[2].split(":");
    const [txHex, rxHex] = f[4].split(":");
    const local = decodeProcAddress(localHex);
    const remote = decodeProcAddress(remoteHex);
    sockets.push({
      protocol,
      family: local.family,
      localAddress: local.address,
      localPort: Number.parseInt(localPortHex, 16),
      remoteAddress: remote.address,
      remotePort: Number.parseInt(remotePortHex, 16),
      state: tcpStateName(Number.parseInt(f[3], 16)),
      txQueueBytes: Number.parseInt(txHex, 16),
      rxQueue: Number.parseInt(rxHex, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
      drops: protocol === "udp" && f.length >= 13 ? Number(f[f.length - 1]) : null,
    });
  }
  return sockets;
}
