/**
 * Where the capture was taken, for one connection: at the client, at the server, on loopback
 * (both ends on this host), or in the middle of the path. Each kind of evidence votes with a
 * weight; the confidence is the winner's share of the votes, halved when there is little evidence.
 *
 * - Handshake halves. At the client, SYN→SYN/ACK is the whole round trip and SYN/ACK→ACK is only
 *   the client's own turnaround; at the server it is the other way round; in the middle both
 *   halves are real network time.
 * - TTLs. A packet captured on the host that sent it still carries its initial TTL (64 Linux/macOS,
 *   128 Windows, 255 some network gear); one that crossed routers has less.
 * - Checksum offload. A host that offloads TCP checksums hands the capture its outgoing segments
 *   with the checksum unfilled: bad checksums in one direction only mark that direction's sender.
 * - Segments larger than the peer's MSS exist only on an end host (TSO on send, GRO on receive).
 */
import type { Connection } from "./connection.ts";
import type { DirectionState } from "./direction-state.ts";
import type { Vantage, VantageKind } from "./types.ts";

/** One half of the handshake must exceed the other this many times to say which end we are at. */
export const HANDSHAKE_HALF_RATIO = 4;
/** Below this a handshake half is host turnaround, not network time. */
export const HANDSHAKE_NETWORK_MIN_NS = 200_000;
/** Initial TTLs of common stacks: Linux/macOS 64, Windows 128, many routers and Solaris 255. */
export const INITIAL_TTLS: readonly number[] = [64, 128, 255];

const W_HANDSHAKE = 2;
const W_TTL = 1;
const W_CHECKSUM = 1.5;
/** Fewer votes than this halve the confidence. */
const WELL_SUPPORTED = 2;

function isLoopbackV4(w: number): boolean {
  return w >>> 24 === 127;
}

function isInitialTtl(ttl: number): boolean {
  return INITIAL_TTLS.includes(ttl);
}

/** Where `conn` was captured, by the evidence above; `clientIsA` from decideRoles. */
export function connectionVantage(conn: Connection, clientIsA: boolean): Vantage {
  const synToSynAckNs = conn.synToSynAckNs();
  const synAckToAckNs = conn.synAckToAckNs();
  const evidence: string[] = [];
  const sameAddress =
    conn.a0 === conn.b0 && conn.a1 === conn.b1 && conn.a2 === conn.b2 && conn.a3 === conn.b3;
  const loopback =
    conn.ipVersion === 4
      ? isLoopbackV4(conn.a0) && isLoopbackV4(conn.b0)
      : conn.a0 === 0 &&
        conn.a1 === 0 &&
        conn.a2 === 0 &&
        conn.a3 === 1 &&
        conn.b3 === 1 &&
        conn.b0 === 0;
  if (loopback || sameAddress) {
    evidence.push(loopback ? "both addresses are loopback" : "both ends have the same address");
    return { kind: "loopback", confidence: 0.95, evidence };
  }
  const toServer: DirectionState = clientIsA ? conn.ab : conn.ba;
  const toClient: DirectionState = clientIsA ? conn.ba : conn.ab;
  const votes = new Map<VantageKind, number>();
  const vote = (kind: VantageKind, w: number) => votes.set(kind, (votes.get(kind) ?? 0) + w);

  if (synToSynAckNs >= 0 && synAckToAckNs >= 0) {
    const a = synToSynAckNs;
    const b = synAckToAckNs;
    const fmt = `SYN→SYN/ACK ${(a / 1e6).toFixed(3)} ms, SYN/ACK→ACK ${(b / 1e6).toFixed(3)} ms`;
    if (a >= HANDSHAKE_NETWORK_MIN_NS && a > HANDSHAKE_HALF_RATIO * b) {
      vote("client-side", W_HANDSHAKE);
      evidence.push(`${fmt}: the round trip is before the SYN/ACK (client side)`);
    } else if (b >= HANDSHAKE_NETWORK_MIN_NS && b > HANDSHAKE_HALF_RATIO * a) {
      vote("server-side", W_HANDSHAKE);
      evidence.push(`${fmt}: the round trip is after the SYN/ACK (server side)`);
    } else if (a >= HANDSHAKE_NETWORK_MIN_NS && b >= HANDSHAKE_NETWORK_MIN_NS) {
      vote("middle", W_HANDSHAKE);
      evidence.push(`${fmt}: both halves are network time (middle)`);
    } else {
      evidence.push(`${fmt}: both halves are host turnaround (same host or same segment)`);
    }
  }

  if (toServer.ttlFirst >= 0 && toClient.ttlFirst >= 0) {
    const c = isInitialTtl(toServer.ttlMax);
    const sv = isInitialTtl(toClient.ttlMax);
    const fmt = `TTL client→server ${toServer.ttlMax}, server→client ${toClient.ttlMax}`;
    if (c && !sv) {
      vote("client-side", W_TTL);
      evidence.push(`${fmt}: the client's packets have not crossed a router`);
    } else if (sv && !c) {
      vote("server-side", W_TTL);
      evidence.push(`${fmt}: the server's packets have not crossed a router`);
    } else if (!c && !sv) {
      vote("middle", W_TTL);
      evidence.push(`${fmt}: both crossed routers`);
    } else {
      evidence.push(`${fmt}: neither crossed a router`);
    }
  }

  const badToServer = toServer.checksumBad > 0;
  const badToClient = toClient.checksumBad > 0;
  if (badToServer !== badToClient) {
    const side: VantageKind = badToServer ? "client-side" : "server-side";
    vote(side, W_CHECKSUM);
    evidence.push(
      `bad TCP checksums only from the ${badToServer ? "client" : "server"} (checksum offload on the capturing host)`,
    );
  }
  if (toServer.oversizeSegments > 0 || toClient.oversizeSegments > 0) {
    evidence.push(
      `segments larger than the MSS (${toServer.oversizeSegments} to the server, ${toClient.oversizeSegments} to the client): captured on an end host (TSO/GRO)`,
    );
    votes.delete("middle");
  }

  let best: VantageKind = "unknown";
  let bestW = 0;
  let total = 0;
  for (const [kind, w] of votes) {
    total += w;
    if (w > bestW) {
      best = kind;
      bestW = w;
    }
  }
  if (total === 0) return { kind: "unknown", confidence: 0, evidence };
  let confidence = bestW / total;
  if (total < WELL_SUPPORTED) confidence /= 2;
  return { kind: best, confidence: Math.round(confidence * 100) / 100, evidence };
}
