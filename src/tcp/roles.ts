/**
 * Who is the client. The SYN sender is, certainly; without a SYN, the SYN/ACK's receiver. Without
 * a handshake the roles are inferred, with a stated confidence: a port below 1024 (IANA system
 * ports) against one that is not marks the server; then a port in the ephemeral range against
 * one that is not (Linux ip_local_port_range 32768–60999, IANA's 49152–65535 is inside it); then
 * whoever sent payload first is taken as the client (requests usually precede responses).
 */
import type { Connection } from "./connection.ts";
import type { RoleSource } from "./types.ts";

/** IANA system ports end at 1023 (RFC 6335 §6). */
const SYSTEM_PORT_LIMIT = 1024;
/** Linux's default ephemeral range starts at 32768 (net.ipv4.ip_local_port_range). */
const EPHEMERAL_PORT_START = 32768;

export interface RoleDecision {
  clientIsA: boolean;
  source: RoleSource;
  confidence: number;
}

export function decideRoles(conn: Connection): RoleDecision {
  if (conn.synFromA !== undefined) {
    return { clientIsA: conn.synFromA, source: "syn", confidence: 1 };
  }
  if (conn.synAckFromA !== undefined) {
    return { clientIsA: !conn.synAckFromA, source: "syn-ack", confidence: 0.95 };
  }
  const aSystem = conn.portA < SYSTEM_PORT_LIMIT;
  const bSystem = conn.portB < SYSTEM_PORT_LIMIT;
  if (aSystem !== bSystem) return { clientIsA: bSystem, source: "ports", confidence: 0.8 };
  const aEphemeral = conn.portA >= EPHEMERAL_PORT_START;
  const bEphemeral = conn.portB >= EPHEMERAL_PORT_START;
  if (aEphemeral !== bEphemeral) {
    return { clientIsA: aEphemeral, source: "ports", confidence: 0.7 };
  }
  const aFirst = conn.ab.firstPayloadTimeNs;
  const bFirst = conn.ba.firstPayloadTimeNs;
  if (aFirst >= 0 || bFirst >= 0) {
    const clientIsA = bFirst < 0 || (aFirst >= 0 && aFirst <= bFirst);
    return { clientIsA, source: "first-sender", confidence: 0.5 };
  }
  return { clientIsA: true, source: "first-sender", confidence: 0.3 };
}
