/**
 * Classifies a RST segment from the connection's state just before it (see docs/tcp-analysis.md,
 * "Resets"). Each class names the packets and values it relied on, so a reader can check it:
 *
 * - refused: the SYN's receiver answers with RST and never sent a SYN/ACK — no listener (the
 *   kernel answers at once) or a firewall's reject.
 * - handshake-abort: the connecting side resets before the handshake completed.
 * - data-after-close: the RST sender had sent FIN, then data arrived from the peer: a socket
 *   closed by its application answers new data with RST (RFC 9293 §3.10.7.4, RFC 2525 §2.17).
 * - close-with-unread-data: no FIN from the RST sender, and the peer's data was the last thing
 *   sent: Linux sends RST instead of FIN when close() leaves received data unread (RFC 2525
 *   §2.17, tcp_close()).
 * - abort-mid-transfer: no FIN, data still unacknowledged in either direction: an abortive close
 *   (SO_LINGER {1,0}, a killed process).
 * - abort: no FIN, nothing outstanding.
 * - after-close: both sides had sent FIN.
 * - after-reset: the sender had reset already; it answers a late segment of the dead connection.
 * - midstream: no handshake seen and nothing else applies.
 * - middlebox-injected: the RST's IP TTL differs by at least INJECTED_TTL_DELTA from every
 *   earlier packet of its purported sender — a device on the path forged it (the class the RST
 *   would otherwise have is kept in `otherwise`).
 */
import type { PacketView } from "../decode/types.ts";
import type { Connection } from "./connection.ts";
import type { DirectionState } from "./direction-state.ts";
import { EndpointState } from "./endpoint-state.ts";
import type { Segment } from "./segment.ts";
import type { ResetKind } from "./types.ts";

/**
 * A TTL this far from all of the sender's other packets means another device built the packet:
 * one endpoint's packets on one path keep one TTL (a route change moves it by a hop or so).
 */
export const INJECTED_TTL_DELTA = 2;
/** The sender must have shown its TTL on this many packets before a RST can be judged by it. */
const MIN_PACKETS_FOR_TTL_BASELINE = 2;
/** A reply this short (one Ethernet MSS) before a RST reads as an error message, not a transfer. */
const SHORT_REPLY_BYTES = 1460;
/** An IP ID step larger than this from a sender whose IDs were sequential is noted as evidence. */
const IP_ID_JUMP = 1024;

/** A RST as recorded during the pass; `fromA` becomes client/server when the roles are known. */
export interface RstRecord {
  frame: number;
  timeNs: number;
  fromA: boolean;
  kind: ResetKind;
  evidence: string[];
  ttl: number;
  ipId: number;
  otherwise: ResetKind | undefined;
}

function ms(ns: number): string {
  return `${(ns / 1e6).toFixed(3)} ms`;
}

export function classifyReset(
  conn: Connection,
  fromA: boolean,
  view: PacketView,
  s: Segment,
): RstRecord {
  const sender = fromA ? conn.ab : conn.ba;
  const peer = fromA ? conn.ba : conn.ab;
  const senderState = fromA ? conn.stateA : conn.stateB;
  const peerState = fromA ? conn.stateB : conn.stateA;
  const evidence: string[] = [];
  let kind: ResetKind;

  if (sender.rstCount > 0) {
    kind = "after-reset";
    evidence.push(
      "this side had already reset the connection: a segment for a connection that no longer exists is answered with RST (RFC 9293 §3.10.7.1)",
    );
  } else if (peerState === EndpointState.SYN_SENT && !sender.sawSynAck && sender.synCount === 0) {
    kind = "refused";
    const sinceSyn = conn.mruSynTimeNs >= 0 ? s.timeNs - conn.mruSynTimeNs : -1;
    evidence.push(
      sinceSyn >= 0
        ? `RST answers the SYN ${ms(sinceSyn)} after it, with no SYN/ACK before`
        : "RST answers a SYN; no SYN/ACK was sent",
    );
    if (peer.synCount > 1) evidence.push(`the SYN was sent ${peer.synCount} times`);
  } else if (
    (senderState === EndpointState.SYN_SENT || senderState === EndpointState.SYN_ACK_SENT) &&
    conn.handshakeAckTimeNs < 0
  ) {
    kind = "handshake-abort";
    evidence.push("the handshake had not completed");
  } else if (sender.finCount > 0) {
    if (peer.lastPayloadTimeNs > sender.firstFinTimeNs) {
      kind = "data-after-close";
      evidence.push(
        `this side sent FIN at frame ${sender.firstFinFrame}; the peer sent data after it (frame ${peer.lastPayloadFrame})`,
      );
    } else {
      kind = "after-close";
      evidence.push(
        peer.finCount > 0
          ? "both sides had sent FIN"
          : `this side had sent FIN at frame ${sender.firstFinFrame}`,
      );
    }
  } else if (peer.payloadBytes > 0 && peer.lastPayloadTimeNs > sender.lastPayloadTimeNs) {
    kind = "close-with-unread-data";
    evidence.push(
      `the peer's data (last at frame ${peer.lastPayloadFrame}) was not answered; no FIN from this side`,
    );
    if (peer.finCount > 0) evidence.push("the peer had already sent FIN");
  } else if (
    peer.payloadBytes > 0 &&
    peer.lastPayloadTimeNs >= 0 &&
    outstandingBytes(sender) > 0 &&
    outstandingBytes(sender) <= SHORT_REPLY_BYTES &&
    outstandingBytes(peer) === 0 &&
    sender.firstPayloadTimeNs > peer.lastPayloadTimeNs - 1
  ) {
    // The peer's data arrived and was acknowledged; this side answered with one short message
    // (an error line, a banner) and reset instead of closing: the data was left unread.
    kind = "close-with-unread-data";
    evidence.push(
      `the peer sent ${peer.payloadBytes} bytes (last at frame ${peer.lastPayloadFrame}); this side replied with ${outstandingBytes(sender)} bytes (frame ${sender.lastPayloadFrame}) and reset without FIN`,
    );
  } else if (hasOutstandingData(sender) || hasOutstandingData(peer)) {
    kind = "abort-mid-transfer";
    evidence.push(
      `unacknowledged data: ${outstandingBytes(sender)} bytes from this side, ${outstandingBytes(peer)} from the peer; no FIN`,
    );
  } else if (senderState === EndpointState.PARTIAL || peerState === EndpointState.PARTIAL) {
    kind = "midstream";
    evidence.push("no handshake was captured");
  } else {
    kind = "abort";
    evidence.push("no FIN and nothing outstanding");
  }

  let otherwise: ResetKind | undefined;
  const ttl = view.ipTtl;
  if (sender.segments >= MIN_PACKETS_FOR_TTL_BASELINE && sender.ttlMax >= 0) {
    const below = sender.ttlMin - ttl;
    const above = ttl - sender.ttlMax;
    if (below >= INJECTED_TTL_DELTA || above >= INJECTED_TTL_DELTA) {
      otherwise = kind;
      kind = "middlebox-injected";
      evidence.push(
        `IP TTL ${ttl}, while the sender's ${sender.segments} other packets had ${sender.ttlMin === sender.ttlMax ? sender.ttlMin : `${sender.ttlMin}..${sender.ttlMax}`}`,
      );
    }
  }
  const ipId = view.ipId;
  if (
    ipId >= 0 &&
    sender.ipIdLast >= 0 &&
    sender.ipIdSmallSteps >= 2 &&
    sender.ipIdBigSteps === 0
  ) {
    const step = (ipId - sender.ipIdLast) & 0xffff;
    if (step > IP_ID_JUMP && step < 0x10000 - IP_ID_JUMP) {
      evidence.push(
        `IP ID ${ipId} does not follow the sender's sequential IDs (last ${sender.ipIdLast})`,
      );
    }
  }
  return {
    frame: s.frame,
    timeNs: s.timeNs,
    fromA,
    kind,
    evidence,
    ttl,
    ipId,
    otherwise,
  };
}

function hasOutstandingData(d: DirectionState): boolean {
  return outstandingBytes(d) > 0;
}

function outstandingBytes(d: DirectionState): number {
  return d.unacked.count > 0 ? d.unacked.spanBytes() : 0;
}
