/**
 * Zeek's conn.log `history`: one letter per kind of event, upper case when the originator (our
 * client) did it, lower case for the responder. Most letters are recorded once per direction;
 * retransmissions (T), zero windows (W) and gaps (G) are recorded again each time their count
 * reaches a power of ten (1, 10, 100, ...), as Zeek does, so "TTT" means at least 100.
 * Zeek's letters: S syn, H syn-ack, A pure ack, D payload, F fin, R rst, T retransmission,
 * W zero window, G content gap, Q multi-flag packet (SYN with FIN or RST), I inconsistent packet
 * (FIN with RST), ^ the roles were flipped (the first packet was not the client's).
 * Zeek's C (bad checksum) is not recorded: checksums are only checked for vantage evidence.
 */

export const HistoryLetter = {
  S: 1 << 0,
  H: 1 << 1,
  A: 1 << 2,
  D: 1 << 3,
  F: 1 << 4,
  R: 1 << 5,
  Q: 1 << 6,
  I: 1 << 7,
} as const;

/** Letters recorded once per direction, in bit order. */
export const ONCE_LETTERS = "SHADFRQI";

/** Whether a repeated-event count has just reached a power of ten (1, 10, 100, ...). */
export function isPowerOfTen(count: number): boolean {
  while (count >= 10 && count % 10 === 0) count /= 10;
  return count === 1;
}

/**
 * History letters are stored as they happen with case meaning "sent by endpoint A" (upper) or
 * "by B" (lower); when B turns out to be the client, the cases are swapped and "^" is prefixed.
 */
export function historyForRoles(recorded: string, clientIsA: boolean): string {
  if (clientIsA) return recorded;
  let out = "^";
  for (const ch of recorded) {
    const upper = ch.toUpperCase();
    out += ch === upper ? ch.toLowerCase() : upper;
  }
  return out;
}
