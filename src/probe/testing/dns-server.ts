/**
 * A tiny UDP DNS server for tests (RFC 1035 §4.1 message format): answers every query with a
 * fixed behaviour: NXDOMAIN, SERVFAIL, silence, or an A record (AAAA queries then get NODATA).
 */
import { createSocket } from "node:dgram";

export type DnsBehaviour =
  | { rcode: "NXDOMAIN" | "SERVFAIL" }
  | { silent: true }
  | { a: string; aaaa?: string };

export interface RunningDnsServer {
  address: string;
  port: number;
  /** "ADDR:PORT" for --dns-server. */
  server: string;
  queries: { name: string; type: number }[];
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

export async function startDnsServer(behaviour: DnsBehaviour): Promise<RunningDnsServer> {
  const socket = createSocket("udp4");
  const queries: { name: string; type: number }[] = [];
  socket.on("message", (msg, rinfo) => {
    if (msg.length < 12) return;
    // Question: labels up to the zero octet, then QTYPE and QCLASS.
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0 && labels.length < 128) {
      const len = msg[offset];
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString("ascii"));
      offset += 1 + len;
    }
    offset += 1;
    if (offset + 4 > msg.length) return;
    const qtype = msg.readUInt16BE(offset);
    const questionEnd = offset + 4;
    queries.push({ name: labels.join("."), type: qtype });
    if ("silent" in behaviour) return;
    let rcode: number = RCODE.NOERROR;
    let answer: Buffer = Buffer.alloc(0);
    if ("rcode" in behaviour) rcode = RCODE[behaviour.rcode];
    else if (qtype === 1) answer = record(1, ipv4Bytes(behaviour.a));
    else if (qtype === 28 && behaviour.aaaa) answer = record(28, ipv6Bytes(behaviour.aaaa));
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // same ID
    // QR=1, opcode and RD copied, RA=1, the rcode.
    header.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
    const reply = Buffer.concat([header, msg.subarray(12, questionEnd), answer]);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  return {
    address: "127.0.0.1",
    port,
    server: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function record(type: number, rdata: Buffer): Buffer {
  const rr = Buffer.alloc(12 + rdata.length);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  rr.writeUInt16BE(type, 2);
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(60, 6); // TTL
  rr.writeUInt16BE(rdata.length, 10);
  rdata.copy(rr, 12);
  return rr;
}

function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

/** Expands "::1"-style text to its 16 bytes. */
function ipv6Bytes(text: string): Buffer {
  const [head, tail] = text.includes("::") ? text.split("::") : [text, ""];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t];
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) bytes.writeUInt16BE(Number.parseInt(groups[i], 16), i * 2);
  return bytes;
}
