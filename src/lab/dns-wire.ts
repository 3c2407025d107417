/**
 * The few DNS messages (RFC 1035 §4.1) the DNS labs send and answer, built and read by hand: a
 * one-question query, an A answer, an NXDOMAIN answer. Names are plain ASCII labels; nothing here
 * reads compression pointers in a question, which no query carries.
 */

/** RFC 1035 §3.2.2 TYPE A, §3.2.4 CLASS IN; §4.1.1 RCODE 3 "Name Error". */
const TYPE_A = 1;
const CLASS_IN = 1;
export const RCODE_NXDOMAIN = 3;

/** A standard query with recursion desired for `name`, type A. */
export function dnsQuery(id: number, name: string): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(TYPE_A, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

/** The question's name ("api.example.test") and where the question ends. */
export function questionOf(message: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (at < message.length && message[at] !== 0) {
    const len = message[at]!;
    labels.push(message.toString("latin1", at + 1, at + 1 + len));
    at += len + 1;
  }
  return { name: labels.join("."), end: at + 5 }; // the root label, QTYPE, QCLASS
}

/** A response to `query`: one A record for its name, or no record and `rcode` (NXDOMAIN). */
export function dnsAnswer(query: Buffer, answer: readonly number[] | { rcode: number }): Buffer {
  const { end } = questionOf(query);
  const header = Buffer.from(query.subarray(0, 12));
  const rcode = Array.isArray(answer) ? 0 : (answer as { rcode: number }).rcode;
  header.writeUInt16BE(0x8180 | rcode, 2); // response, RD, RA, the rcode
  header.writeUInt16BE(Array.isArray(answer) ? 1 : 0, 6); // ANCOUNT
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const question = query.subarray(12, end);
  if (!Array.isArray(answer)) return Buffer.concat([header, question]);
  // The answer's name is a pointer to the question's (0xC00C), TTL 60 s, 4 address bytes.
  const record = Buffer.from([0xc0, 0x0c, 0, TYPE_A, 0, CLASS_IN, 0, 0, 0, 60, 0, 4, ...answer]);
  return Buffer.concat([header, question, record]);
}

/** The ID, rcode and first A address (dotted, "" when none) of a response to a dnsQuery. */
export function readAnswer(message: Buffer): { id: number; rcode: number; address: string } {
  const id = message.readUInt16BE(0);
  const rcode = message.readUInt16BE(2) & 0x0f;
  const answers = message.readUInt16BE(6);
  const { end } = questionOf(message);
  // The first record: a 2-byte name pointer, TYPE, CLASS, TTL, RDLENGTH, then RDATA.
  const rdata = end + 12;
  const address =
    answers > 0 && message.length >= rdata + 4
      ? [...message.subarray(rdata, rdata + 4)].join(".")
      : "";
  return { id, rcode, address };
}

function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.split(".")) {
    if (label === "") continue;
    parts.push(Buffer.from([label.length]), Buffer.from(label, "latin1"));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}
