/**
 * One TCP connection: the two directions' state plus what belongs to the pair (roles, handshake
 * timing, history, resets). Endpoint A is the sender of the first packet seen; the client (Zeek's
 * originator) is decided from the handshake, or inferred at the end (roles.ts).
 */
import { formatIpWords } from "../model/ip-text.ts";
import { DirectionState } from "./direction-state.ts";
import { primeDoubleFields } from "./double-fields.ts";
import { EndpointState, type EndpointStateValue } from "./endpoint-state.ts";
import { type FlowKey, PacketTuple } from "./flow-table.ts";
import type { RstRecord } from "./resets.ts";
import { FLAG_COUNT_KEYS } from "./types.ts";

/** How many RSTs are kept with their evidence per connection; later ones are only counted. */
export const MAX_RESETS_KEPT = 8;
/** How many SYN send times are kept to report retry intervals. */
export const MAX_SYN_TIMES_KEPT = 8;

export class Connection implements FlowKey {
  /** Slot in the flow table. */
  id = -1;
  /** 0-based creation order: tshark's tcp.stream. */
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
  /** Segments sent by A, and by B. */
  readonly ab: DirectionState;
  readonly ba: DirectionState;

  packets = 0;
  firstFrame = 0;
  lastFrame = 0;
  firstTimeNs = 0;
  lastTimeNs = 0;
  /** Per-connection flag counts, indexed like FLAG_COUNT_KEYS. */
  readonly flagCounts = new Uint32Array(FLAG_COUNT_KEYS.length);

  // ── handshake ──
  /** Who sent the first SYN (without ACK): true for A, false for B, undefined before any. */
  synFromA: boolean | undefined = undefined;
  synAckFromA: boolean | undefined = undefined;
  /** Most recent SYN (Wireshark ts_mru_syn), for the initial RTT. */
  mruSynTimeNs = -1;
  /** Wireshark's iRTT (ts_first_rtt): most recent SYN → first pure ACK. */
  firstRttNs = -1;
  /** The SYN answered by the first SYN/ACK: the last SYN sent before it. */
  synBeforeSynAckTimeNs = -1;
  firstSynAckTimeNs = -1;
  lastSynAckTimeNs = -1;
  synAckSeq = 0;
  /** The client's ACK of the SYN/ACK, completing the handshake. */
  handshakeAckTimeNs = -1;
  handshakeAckFrame = 0;
  /** SYN times of the client (first MAX_SYN_TIMES_KEPT), for retry intervals. */
  synTimesNs: number[] = [];

  // ── Zeek history and states ──
  historyBitsA = 0;
  historyBitsB = 0;
  /** Letters in order; upper case = sent by A. */
  history = "";
  stateA: EndpointStateValue = EndpointState.INACTIVE;
  stateB: EndpointStateValue = EndpointState.INACTIVE;
  gapsA = 0;
  gapsB = 0;

  // ── failures ──
  resets: RstRecord[] | undefined = undefined;
  anomalies: Map<string, number> | undefined = undefined;

  /** Capture time of the first RST, or of the final ACK of the second FIN; -1 while open. */
  closedAtNs = -1;
  /** Position in the sweep queue: the activity time it was queued with. */
  queuedAtNs = 0;
  /** Closed for good (both FINs acknowledged, or a reset): in the analyzer's close queue. */
  closing = false;
  closeQueuedAtNs = 0;
  finalized = false;

  /** A connection on the tuple of packet `t` (its source is endpoint A). */
  constructor(stream: number, t: PacketTuple, hash: number, seriesMaxPoints: number) {
    this.stream = stream;
    this.ipVersion = t.ipVersion;
    this.a0 = t.s0;
    this.a1 = t.s1;
    this.a2 = t.s2;
    this.a3 = t.s3;
    this.portA = t.sport;
    this.b0 = t.d0;
    this.b1 = t.d1;
    this.b2 = t.d2;
    this.b3 = t.d3;
    this.portB = t.dport;
    this.hash = hash;
    this.ab = new DirectionState(seriesMaxPoints);
    this.ba = new DirectionState(seriesMaxPoints);
  }

  addAnomaly(name: string): void {
    if (this.anomalies === undefined) this.anomalies = new Map();
    this.anomalies.set(name, (this.anomalies.get(name) ?? 0) + 1);
  }

  /** Records a once-per-direction history letter. */
  historyOnce(fromA: boolean, bit: number, letter: string): void {
    if (fromA) {
      if (this.historyBitsA & bit) return;
      this.historyBitsA |= bit;
      this.history += letter;
    } else {
      if (this.historyBitsB & bit) return;
      this.historyBitsB |= bit;
      this.history += letter.toLowerCase();
    }
  }

  /** Records a repeated-event letter (T, W, G) when its count reached a power of ten. */
  historyRepeat(fromA: boolean, letter: string): void {
    this.history += fromA ? letter : letter.toLowerCase();
  }

  /** Endpoint A's address as text (`a` false: endpoint B's). */
  address(a: boolean): string {
    const v = this.ipVersion === 4 ? 4 : 6;
    return a
      ? formatIpWords(v, this.a0, this.a1, this.a2, this.a3)
      : formatIpWords(v, this.b0, this.b1, this.b2, this.b3);
  }

  /** The handshake's first half, SYN → SYN/ACK, in ns; -1 when either was not seen. */
  synToSynAckNs(): number {
    return this.firstSynAckTimeNs >= 0 && this.synBeforeSynAckTimeNs >= 0
      ? this.firstSynAckTimeNs - this.synBeforeSynAckTimeNs
      : -1;
  }

  /** The handshake's second half, SYN/ACK → ACK, in ns; -1 when either was not seen. */
  synAckToAckNs(): number {
    return this.handshakeAckTimeNs >= 0 && this.lastSynAckTimeNs >= 0
      ? this.handshakeAckTimeNs - this.lastSynAckTimeNs
      : -1;
  }

  release(): void {
    this.ab.release();
    this.ba.release();
  }
}

// Times in nanoseconds and sequence numbers exceed V8's small integers: see double-fields.ts.
primeDoubleFields(new Connection(0, new PacketTuple(), 0, 0), [
  "firstTimeNs",
  "lastTimeNs",
  "mruSynTimeNs",
  "firstRttNs",
  "synBeforeSynAckTimeNs",
  "firstSynAckTimeNs",
  "lastSynAckTimeNs",
  "synAckSeq",
  "handshakeAckTimeNs",
  "closedAtNs",
  "queuedAtNs",
  "closeQueuedAtNs",
]);
