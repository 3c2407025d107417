/**
 * The time a side let pass in the middle of its own message with nothing stopping it: its
 * previous data was all acknowledged, the peer's window was open, yet its next segment came
 * late. TCP would have sent at once (RFC 9293 §3.8.6: a sender may send whenever the window
 * allows), so the gap is the application's: it had not produced the bytes yet. Shared by
 * slow-response-body (the server's side) and slow-request-body (the client's).
 */
import type { PassPacket } from "../exchange/types.ts";
import type { ConnectionSummary } from "../tcp/types.ts";
import type { ConnectionTrack } from "./connection-track.ts";
import { endpointText } from "./endpoint-text.ts";
import { roundMs } from "./ms-text.ts";
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

class IdleState {
  gaps = 0;
  costMs = 0;
  worstMs = 0;
  worstFrames: number[] = [];
}

/**
 * The rule behind slow-response-body (side 1) and slow-request-body (side 0): sums the side's
 * idle gaps of at least SENDER_IDLE_MIN_MS, proves them to the side's app, and reports them per
 * connection.
 */
export function senderIdleRule(side: number, kind: string): RuleFactory {
  const layer = appLayer(side);
  return (context: RuleContext) => ({
    onPacket(packet: PassPacket, track: ConnectionTrack): void {
      if ((packet.fromClient ? 0 : 1) !== side) return;
      const idleMs = senderIdleMs(packet, track, side);
      if (idleMs < SENDER_IDLE_MIN_MS) return;
      let state = track.slots[context.slot] as IdleState | undefined;
      if (state === undefined) {
        state = new IdleState();
        track.slots[context.slot] = state;
      }
      state.gaps++;
      state.costMs += idleMs;
      if (idleMs >= state.worstMs) {
        state.worstMs = idleMs;
        state.worstFrames = [track.lastDataFrame[side]!, packet.record.frame];
      }
      context.intervals.add(track.connection, packet.timeMs - idleMs, packet.timeMs, layer, kind);
    },
    onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
      const state = track?.slots[context.slot] as IdleState | undefined;
      if (state === undefined) return;
      context.sink.add({
        kind,
        layer,
        severity: severityForCost(state.costMs, false),
        count: state.gaps,
        costMs: state.costMs,
        endpoint: endpointText(summary.server),
        frames: state.worstFrames,
        connection: summary.stream,
        exchange: -1,
        facts: { gaps: state.gaps, worstMs: roundMs(state.worstMs) },
      });
    },
  });
}
