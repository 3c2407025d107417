/**
 * The DNS message wire format (RFC 1035 §4.1): header, the first question, and the answer
 * records that matter for a request's timeline (A, AAAA, CNAME; others are counted). Names follow
 * compression pointers (§4.1.4) with loop protection: a pointer must point before the label that
 * holds it, so a chain can only move backwards and ends.
 */
import { latin1Text } from "../latin1.ts";

/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire. */
const MAX_NAME_BYTES = 255;
/** Addresses and CNAMEs kept per message (a response can hold many; the count stays exact). */
const MAX_KEPT_ANSWERS = 16;

export const DnsType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  SVCB: 64,
  HTTPS: 65,
  ANY: 255,
} as const;

const TYPE_NAMES: Record<number, string> = {
  1: "A",
  2: "NS",
  5: "CNAME",
  6: "SOA",
  12: "PTR",
  15: "MX",
  16: "TXT",
  28: "AAAA",
  33: "SRV",
  41: "OPT",
  64: "SVCB",
  65: "HTTPS",
  255: "ANY",
};

export function dnsTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}

/** RCODEs (RFC 1035 §4.1.1, RFC 2136 §2.2, RFC 6895 §2.3). */
const RCODE_NAMES = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
];

export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? (rcode === 16 ? "BADVERS" : `RCODE${rcode}`);
}

export interface DnsMessage {
  id: number;
  isResponse: boolean;
  opcode: number;
  /** Response code, extended by the OPT record's upper bits when present (RFC 6891 §6.1.3). */
  rcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  questionCount: number;
  answerCount: number;
  authorityCount: number;
  additionalCount: number;
  /** First question; "" and 0 when there is none. */
  qname: string;
  qtype: number;
  qclass: number;
  addresses: string[];
  cnames: string[];
  /** Answer records of other types. */
  otherAnswers: number;
  /** "" when the whole message parsed; else what stopped it (the fields before it are valid). */
  problem: string;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** Reads the name at `at`. Returns the offset after it in the message (not after pointer targets). */
class NameReader {
  name = "";
  end = 0;
  ok = false;

  read(b: Uint8Array, start: number, at: number, end: number): void {
    this.ok = false;
    this.name = "";
    let p = at;
    let after = -1;
    let total = 0;
    let labelStart = at;
    let text = "";
    for (;;) {
      if (p >= end) return;
      const len = b[p];
      if ((len & 0xc0) === 0xc0) {
        if (p + 1 >= end) return;
        const target = start + (((len & 0x3f) << 8) | b[p + 1]);
        // A pointer must go backwards, before the label that holds it: no loop can form.
        if (target >= labelStart) return;
        if (after < 0) after = p + 2;
        p = target;
        labelStart = target;
        continue;
      }
      if ((len & 0xc0) !== 0) return; // 0x40 / 0x80: extended label types (RFC 6891 §5), not used
      p++;
      if (len === 0) break;
      total += len + 1;
      if (total > MAX_NAME_BYTES || p + len > end) return;
      text += (text === "" ? "" : ".") + latin1Text(b, p, p + len, 63);
      p += len;
    }
    this.name = text;
    this.end = after >= 0 ? after : p;
    this.ok = true;
  }
}

const names = new NameReader();

function ipv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ipv6(b: Uint8Array, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(u16(b, at + i).toString(16));
  // Longest run of zero groups becomes "::" (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === "0") j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return parts.join(":");
  return `${parts.slice(0, bestStart).join(":")}::${parts.slice(bestStart + bestLen).join(":")}`;
}

/** Parses a DNS message in bytes[start, end). Never throws; `problem` names the damage. */
export function parseDnsMessage(b: Uint8Array, start: number, end: number): DnsMessage {
  const m: DnsMessage = {
    id: 0,
    isResponse: false,
    opcode: 0,
    rcode: 0,
    authoritative: false,
    truncated: false,
    recursionDesired: false,
    recursionAvailable: false,
    questionCount: 0,
    answerCount: 0,
    authorityCount: 0,
    additionalCount: 0,
    qname: "",
    qtype: 0,
    qclass: 0,
    addresses: [],
    cnames: [],
    otherAnswers: 0,
    problem: "",
  };
  if (end - start < 12) {
    m.problem = "dns-short-message";
    return m;
  }
  m.id = u16(b, start);
  const flags = u16(b, start + 2);
  m.isResponse = (flags & 0x8000) !== 0;
  m.opcode = (flags >> 11) & 0xf;
  m.authoritative = (flags & 0x0400) !== 0;
  m.truncated = (flags & 0x0200) !== 0;
  m.recursionDesired = (flags & 0x0100) !== 0;
  m.recursionAvailable = (flags & 0x0080) !== 0;
  m.rcode = flags & 0xf;
  m.questionCount = u16(b, start + 4);
  m.answerCount = u16(b, start + 6);
  m.authorityCount = u16(b, start + 8);
  m.additionalCount = u16(b, start + 10);
  let p = start + 12;
  for (let q = 0; q < m.questionCount; q++) {
    names.read(b, start, p, end);
    if (!names.ok || names.end + 4 > end) {
      m.problem = "dns-bad-question";
      return m;
    }
    if (q === 0) {
      m.qname = names.name;
      m.qtype = u16(b, names.end);
      m.qclass = u16(b, names.end + 2);
    }
    p = names.end + 4;
  }
  const records = m.answerCount + m.authorityCount + m.additionalCount;
  for (let r = 0; r < records; r++) {
    names.read(b, start, p, end);
    if (!names.ok || names.end + 10 > end) {
      m.problem = "dns-bad-record";
      return m;
    }
    const type = u16(b, names.end);
    const ttl =
      ((b[names.end + 4] << 24) |
        (b[names.end + 5] << 16) |
        (b[names.end + 6] << 8) |
        b[names.end + 7]) >>>
      0;
    const rdlen = u16(b, names.end + 8);
    const rd = names.end + 10;
    if (rd + rdlen > end) {
      m.problem = "dns-bad-record";
      return m;
    }
    if (r < m.answerCount) {
      if (type === DnsType.A && rdlen === 4) {
        if (m.addresses.length < MAX_KEPT_ANSWERS) m.addresses.push(ipv4(b, rd));
      } else if (type === DnsType.AAAA && rdlen === 16) {
        if (m.addresses.length < MAX_KEPT_ANSWERS) m.addresses.push(ipv6(b, rd));
      } else if (type === DnsType.CNAME) {
        names.read(b, start, rd, rd + rdlen);
        if (names.ok && m.cnames.length < MAX_KEPT_ANSWERS) m.cnames.push(names.name);
      } else {
        m.otherAnswers++;
      }
    } else if (type === DnsType.OPT && r >= m.answerCount + m.authorityCount) {
      // EDNS extended RCODE: the upper 8 bits of 12, in the TTL field's first octet.
      m.rcode |= (ttl >>> 24) << 4;
    }
    p = rd + rdlen;
  }
  return m;
}
