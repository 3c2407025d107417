/**
 * Questions the labs' checks ask of a capture table: which packets carry a flag, which are
 * requests, where the gaps are. Plain filters over LabPacket: lab captures are small.
 */
import { TcpFlag } from "../decode/types.ts";
import type { LabPacket } from "./lab-packet.ts";

export function hasFlags(packet: LabPacket, flags: number): boolean {
  return packet.transport === "tcp" && (packet.flags & flags) === flags;
}

/** SYNs without ACK: connection attempts, first tries and retries. */
export function syns(packets: readonly LabPacket[]): LabPacket[] {
  return packets.filter((p) => hasFlags(p, TcpFlag.SYN) && !hasFlags(p, TcpFlag.ACK));
}

export function resets(packets: readonly LabPacket[]): LabPacket[] {
  return packets.filter((p) => hasFlags(p, TcpFlag.RST));
}

/** Packets sent from `port` (the server's port: the server's packets). */
export function fromPort(packets: readonly LabPacket[], port: number): LabPacket[] {
  return packets.filter((p) => p.srcPort === port);
}

export function toPort(packets: readonly LabPacket[], port: number): LabPacket[] {
  return packets.filter((p) => p.dstPort === port);
}

/** TCP segments that carry payload. */
export function withPayload(packets: readonly LabPacket[]): LabPacket[] {
  return packets.filter((p) => p.transport === "tcp" && p.payloadLenBytes > 0);
}

/** The payload as Latin-1 text (HTTP heads, as far as the snaplen kept them). */
export function payloadText(packet: LabPacket): string {
  return Buffer.from(
    packet.payload.buffer,
    packet.payload.byteOffset,
    packet.payload.length,
  ).toString("latin1");
}

/** The server's port: the destination of the first SYN. */
export function serverPort(packets: readonly LabPacket[]): number {
  return syns(packets)[0]?.dstPort ?? -1;
}

/** Connection attempts, grouped by client port: the times of each SYN sent from that port. */
export function synTriesByClientPort(packets: readonly LabPacket[]): Map<number, LabPacket[]> {
  const tries = new Map<number, LabPacket[]>();
  for (const syn of syns(packets)) {
    const list = tries.get(syn.srcPort);
    if (list) list.push(syn);
    else tries.set(syn.srcPort, [syn]);
  }
  return tries;
}

/** "120.3 ms" */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/**
 * How much earlier than its delay a Node timer can fire, as seen between the packets around it:
 * libuv schedules a timer from the event loop's time, taken in whole milliseconds when the loop
 * iteration began, so a timer set while handling a packet can fire up to 1 ms before its delay has
 * passed since that packet (a lab saw 249.9 ms for a 250 ms timer).
 */
export const NODE_TIMER_SLACK_MS = 1;

/** Whether `gapMs` between two captured packets covers a Node timer of `delayMs`. */
export function coversTimer(gapMs: number, delayMs: number): boolean {
  return gapMs >= delayMs - NODE_TIMER_SLACK_MS;
}
