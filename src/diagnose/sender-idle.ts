/**
 * The time a side let pass in the middle of its own message with nothing stopping it: its
 * previous data was all acknowledged, the peer's window was open, yet its next segment came
 * late. TCP would have sent at once (RFC 9293 §3.8.6: a sender may send whenever the window
 * allows), so the gap is the application's: it had not produced the bytes yet. Shared by
 * slow-response-body (the server's side) and slow-request-body (the client's).
 */
import type { Exchange, PassPacket } from "../exchange/types.ts";
import { ANY_RETRANSMISSION } from "../tcp/flags.ts";
import type { ConnectionTrack } from "./connection-track.ts";
import { spacedEndpointText } from "./endpoint-text.ts";
import { roundMs } from "./ms-text.ts";
import { findPhase, requestLabel } from "./phase-charges.ts";
import type { RuleContext, RuleFactory } from "./rule.ts";
import { severityForCost } from "./severity.ts";
import { appLayer } from "./side-layer.ts";

/**
 * Milliseconds `packet`'s sender sat idle before it, in the middle of a message (its previous
 * payload on the connection was its own, not an answer from the peer). 0 when not applicable.
 * Call before the track is updated with the packet.
 */
export function senderIdleMs(packet: PassPacket, track: ConnectionTrack, side: number): number {
  if (packet.view.payloadLenBytes <= 0 || track.lastDataSide !== side) return 0;
  // A resend after a pause is the retransmission timer's, not the application's.
  if ((packet.flags & ANY_RETRANSMISSION) !== 0) return 0;
  const peer = 1 - side;
  if (track.lastWindow[peer] === 0 || !track.allAcked(side)) return 0;
  const sinceMs = Math.max(
    track.lastDataMs[side]!,
    track.lastAckAdvanceMs[peer]!,
    track.windowOpenedMs[peer]!,
  );
  const idleMs = packet.timeMs - sinceMs - track.roundTripMs(side);
  return Math.max(idleMs, 0);
}

/** Gaps shorter than this are scheduling noise, not an application producing slowly. */
export const SENDER_IDLE_MIN_MS = 20;
/** Gaps remembered per connection until the exchange they belong to is complete. */
export const IDLE_GAPS_KEPT = 32;

/**
 * Exchanges whose messages have a known end, so a gap is inside one message, not between two
 * (encrypted TLS turns do not say where a message ends: a pause there may be think time).
 */
const MESSAGE_PROTOCOLS: ReadonlySet<string> = new Set(["http1", "http2"]);

class IdleGaps {
  /** [startMs, endMs, frameBefore, frameAfter] per gap. */
  readonly gaps = new Float64Array(IDLE_GAPS_KEPT * 4);
  next = 0;
  count = 0;
}

/**
 * The rule behind slow-response-body (side 1) and slow-request-body (side 0): remembers the
 * side's idle gaps of at least SENDER_IDLE_MIN_MS, and when an HTTP exchange completes,
 * reports those inside its response (or request) phase: a streaming protocol's pauses between
 * messages (Redis pub/sub, an upgraded connection) are not a slow body. The exchange stage charges
 * a message's transfer to the network; each gap is proven to the side's app, inside that side's
 * request or response phase.
 */
export function senderIdleRule(side: number, kind: string): RuleFactory {
  const layer = appLayer(side);
  const phaseName = side === 1 ? "response" : "request";
  return (context: RuleContext) => ({
    onDataPacket(packet: PassPacket, track: ConnectionTrack): void {
      if ((packet.fromClient ? 0 : 1) !== side) return;
      // senderIdleMs is at most this (it counts from the side's last data or later): most
      // segments of a transfer follow the previous one within the minimum.
      if (packet.timeMs - track.lastDataMs[side]! - track.roundTripMs(side) < SENDER_IDLE_MIN_MS) {
        return;
      }
      const idleMs = senderIdleMs(packet, track, side);
      if (idleMs < SENDER_IDLE_MIN_MS) return;
      let state = track.slots[context.slot] as IdleGaps | undefined;
      if (state === undefined) {
        state = new IdleGaps();
        track.slots[context.slot] = state;
      }
      // The gap is the sender's app's: the exchange stage charges a message's transfer to the
      // network, so the time it proves moves to the app, inside the side's own message only.
      context.intervals.add(
        track.connection,
        packet.timeMs - idleMs,
        packet.timeMs,
        layer,
        kind,
        phaseName,
      );
      const at = state.next * 4;
      state.gaps[at] = packet.timeMs - idleMs;
      state.gaps[at + 1] = packet.timeMs;
      state.gaps[at + 2] = track.lastDataFrame[side]!;
      state.gaps[at + 3] = packet.record.frame;
      state.next = (state.next + 1) % IDLE_GAPS_KEPT;
      if (state.count < IDLE_GAPS_KEPT) state.count++;
    },
    onExchange(exchange: Exchange, track: ConnectionTrack | undefined): void {
      const state = track?.slots[context.slot] as IdleGaps | undefined;
      if (state === undefined || state.count === 0) return;
      if (!MESSAGE_PROTOCOLS.has(exchange.protocol)) return;
      const phase = findPhase(exchange, phaseName);
      if (phase === undefined) return;
      const fromMs = phase.startMs - 1e-6;
      const toMs = phase.startMs + phase.durationMs + 1e-6;
      let gaps = 0;
      let costMs = 0;
      let worstMs = 0;
      let worstFrames: number[] = [];
      const g = state.gaps;
      for (let i = 0; i < state.count; i++) {
        const at = i * 4;
        if (g[at]! < fromMs || g[at + 1]! > toMs) continue;
        const ms = g[at + 1]! - g[at]!;
        gaps++;
        costMs += ms;
        if (ms >= worstMs) {
          worstMs = ms;
          worstFrames = [g[at + 2]!, g[at + 3]!];
        }
      }
      if (gaps === 0) return;
      costMs = Math.min(costMs, phase.durationMs);
      context.sink.add({
        kind,
        layer,
        severity: severityForCost(costMs, false),
        count: gaps,
        costMs,
        endpoint: spacedEndpointText(exchange.server),
        frames: worstFrames,
        connection: exchange.connection,
        exchange: exchange.id,
        facts: { gaps, worstMs: roundMs(worstMs), request: requestLabel(exchange) },
      });
    },
  });
}
