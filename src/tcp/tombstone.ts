/**
 * What is left of a closed connection (both FINs acknowledged, or a reset) once its analysis
 * state is gone and its summary emitted: the 4-tuple, its tcp.stream, who the client is, and per
 * direction the four sequence-space numbers a late segment is judged by. Late retransmissions of
 * a FIN, the last ACK repeated in TIME_WAIT and the peer's answers to a reset still arrive for a
 * while; tshark gives them the same tcp.stream and flags them (retransmission, duplicate ACK), so
 * the analyzer does too, from these numbers alone. A SYN with a new ISN on the tuple is a new
 * connection (tshark's "TCP Port numbers reused"), which the base sequence numbers tell.
 *
 * About 350 bytes (the object, and the boxes V8 keeps its doubles in), against about 10 KB for a
 * live Connection and the downstream state that goes with it.
 */
import type { Connection } from "./connection.ts";
import { primeDoubleFields } from "./double-fields.ts";
import type { FlowKey } from "./flow-table.ts";

/** Per-direction bits of Tombstone.bitsA / bitsB. */
export const TombBit = {
  BASE_SEQ_SET: 1,
  HAS_NEXT_SEQ: 2,
  HAS_LAST_ACK: 4,
} as const;

export class Tombstone implements FlowKey {
  /** Slot in the tombstone table. */
  id = -1;
  readonly stream: number;
  readonly ipVersion: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly b3: number;
  readonly portA: number;
  readonly portB: number;
  readonly hash: number;
  /** Endpoint A is the client (decideRoles at the close). */
  readonly clientIsA: boolean;
  /** Capture time of the last packet on the tuple (the close, or a late packet since). */
  lastTimeNs: number;
  /** The time it was queued for expiry with. */
  queuedAtNs: number;
  // Direction A→B, then B→A: Wireshark's base_seq, nextseq, lastack and window.
  baseSeqA: number;
  nextSeqA: number;
  lastAckA: number;
  windowA: number;
  bitsA: number;
  baseSeqB: number;
  nextSeqB: number;
  lastAckB: number;
  windowB: number;
  bitsB: number;

  constructor(conn: Connection, clientIsA: boolean) {
    this.stream = conn.stream;
    this.ipVersion = conn.ipVersion;
    this.a0 = conn.a0;
    this.a1 = conn.a1;
    this.a2 = conn.a2;
    this.a3 = conn.a3;
    this.b0 = conn.b0;
    this.b1 = conn.b1;
    this.b2 = conn.b2;
    this.b3 = conn.b3;
    this.portA = conn.portA;
    this.portB = conn.portB;
    this.hash = conn.hash;
    this.clientIsA = clientIsA;
    this.lastTimeNs = conn.lastTimeNs;
    this.queuedAtNs = conn.lastTimeNs;
    const ab = conn.ab;
    const ba = conn.ba;
    this.baseSeqA = ab.baseSeq;
    this.nextSeqA = ab.nextSeq;
    this.lastAckA = ab.lastAck;
    this.windowA = ab.window;
    this.bitsA = directionBits(ab.baseSeqSet, ab.hasNextSeq, ab.hasLastAck);
    this.baseSeqB = ba.baseSeq;
    this.nextSeqB = ba.nextSeq;
    this.lastAckB = ba.lastAck;
    this.windowB = ba.window;
    this.bitsB = directionBits(ba.baseSeqSet, ba.hasNextSeq, ba.hasLastAck);
  }
}

function directionBits(baseSeqSet: boolean, hasNextSeq: boolean, hasLastAck: boolean): number {
  return (
    (baseSeqSet ? TombBit.BASE_SEQ_SET : 0) |
    (hasNextSeq ? TombBit.HAS_NEXT_SEQ : 0) |
    (hasLastAck ? TombBit.HAS_LAST_ACK : 0)
  );
}

// Address words, times and sequence numbers exceed V8's small integers: see double-fields.ts.
export function primeTombstone(instance: Tombstone): void {
  primeDoubleFields(instance, [
    "a0",
    "a1",
    "a2",
    "a3",
    "b0",
    "b1",
    "b2",
    "b3",
    "lastTimeNs",
    "queuedAtNs",
    "baseSeqA",
    "nextSeqA",
    "lastAckA",
    "baseSeqB",
    "nextSeqB",
    "lastAckB",
  ]);
}
