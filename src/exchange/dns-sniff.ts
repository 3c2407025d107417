/**
 * Is this UDP payload a DNS message, whatever its port? A lab's or a container's resolver may
 * listen on a random port, and tshark would miss it too; a few header checks and one walk over the
 * question name decide, with no allocation.
 *
 * Accepted: opcode QUERY, exactly one question (RFC 1035 §4.1.1; every resolver sends one), Z bit
 * clear, a question name made of plain labels (no compression pointer: the question is the first
 * name of the message) ending in class IN, and record counts that fit the datagram. Queries must
 * carry no answer or authority records and at most one additional (the EDNS OPT, RFC 6891 §6.1.1).
 */

const HEADER_BYTES = 12;
/** RFC 1035 §2.3.4. */
const MAX_LABEL_BYTES = 63;
const MAX_NAME_BYTES = 255;
const CLASS_IN = 1;
/** Every resource record has at least 11 bytes: root name, type, class, TTL, length. */
const MIN_RECORD_BYTES = 11;

/**
 * Ports whose DNS-shaped traffic is another protocol family tshark decodes separately and the
 * proto stage leaves alone: mDNS (5353, RFC 6762), LLMNR (5355, RFC 4795), NetBIOS name service
 * (137, RFC 1002).
 */
export const NOT_UNICAST_DNS_PORTS: readonly number[] = [137, 5353, 5355];

export function looksLikeDns(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < HEADER_BYTES + 5) return false;
  const flags = (b[start + 2] << 8) | b[start + 3];
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0 || (flags & 0x0040) !== 0) return false;
  const qd = (b[start + 4] << 8) | b[start + 5];
  const an = (b[start + 6] << 8) | b[start + 7];
  const ns = (b[start + 8] << 8) | b[start + 9];
  const ar = (b[start + 10] << 8) | b[start + 11];
  if (qd !== 1) return false;
  if (!isResponse && (an !== 0 || ns !== 0 || ar > 1)) return false;
  let at = start + HEADER_BYTES;
  let nameBytes = 0;
  for (;;) {
    if (at >= end) return false;
    const len = b[at];
    if (len === 0) {
      at++;
      break;
    }
    if (len > MAX_LABEL_BYTES) return false;
    nameBytes += len + 1;
    if (nameBytes > MAX_NAME_BYTES) return false;
    at += len + 1;
  }
  if (at + 4 > end) return false;
  const qclass = (b[at + 2] << 8) | b[at + 3];
  // The QU bit of mDNS lives in the class's top bit; unicast DNS leaves it clear.
  if (qclass !== CLASS_IN) return false;
  at += 4;
  return (an + ns + ar) * MIN_RECORD_BYTES <= end - at;
}
