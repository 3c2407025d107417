/**
 * The segment being analysed: one object, refilled for every TCP packet (no per-packet
 * allocation). Classifiers read it and the two DirectionStates it points to.
 */
import type { DirectionState } from "./direction-state.ts";
import { primeDoubleFields } from "./double-fields.ts";

export class Segment {
  frame = 0;
  /** Nanoseconds since the first packet of the capture. */
  timeNs = 0;
  seq = 0;
  ack = 0;
  /** TCP payload length from the IP length (what tshark calls tcp.len). */
  lenBytes = 0;
  /** TCP header flag bits (TcpFlag). */
  tcpFlags = 0;
  /** Raw window field (not scaled). */
  window = 0;
  /** State of the sender's direction. */
  fwd!: DirectionState;
  /** State of the opposite direction (the receiver of this segment). */
  rev!: DirectionState;
  /**
   * The data before `seq` was already sent: a retransmission, a fast retransmission or an
   * out-of-order segment unless something more specific applies (Wireshark `seq_not_advanced`).
   */
  seqNotAdvanced = false;
  /** Out-of-order time limit: the connection's initial RTT, or 3 ms before it is known. */
  outOfOrderLimitNs = 0;
  /** Analysis flags found so far for this segment (AnalysisFlag bits). */
  flags = 0;
  /** For a duplicate ACK: its number in the run (1 for the first duplicate). */
  dupAckNumber = 0;
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new Segment(), ["timeNs", "seq", "ack", "outOfOrderLimitNs"]);
