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
  // A window open by no more than this segment held it: a sender avoiding silly-window sends waits
  // for room (RFC 9293 §3.8.6.2.1), so the wait is the receiver's, not the sender's app's.
  const windowBytes = track.scaledWindow(peer);
  if (windowBytes >= 0 && windowBytes <= packet.view.payloadLenBytes) return 0;
  // From the last moment something let it send: its own last segment, the peer's last ACK, or
  // the peer's window growing (a window update after a window too small for a segment).
  const sinceMs = Math.max(
    track.lastDataMs[side]!,
    track.lastAckAdvanceMs[peer]!,
    track.windowOpenedMs[peer]!,
    track.windowEdgeAdvanceMs[peer]!,
  );
  const idleMs = packet.timeMs - sinceMs - track.roundTripMs(side);
  return Math.max(idleMs, 0);
}

/**
 * A message with a pause this long is reported: shorter ones alone are scheduling noise, not an
 * application producing slowly.
 */
export const SENDER_IDLE_MIN_MS = 20;
/**
 * Gaps from this long on are the sender's app's time, proven to it (and counted in a finding's
 * cost once its message has a pause of SENDER_IDLE_MIN_MS): with everything acknowledged and the
 * window open, only the app (or the sender's scheduling delay, well under this) holds the next
 * segment. With the reporting minimum alone, a stream paced by a 20 ms timer, whose gaps fall
 * either side of 20 ms, was a third "network" on a loopback.
 */
export const SENDER_IDLE_CHARGE_MIN_MS = 2;
/** Gaps remembered per connection until the exchange they belong to is complete. */
export const IDLE_GAPS_KEPT = 32;

/**
 * Exchanges whose messages have a known end, so a gap is inside one message, not between two
 * (encrypted TLS turns do not say where a message ends: a pause there may be think time), and
 * the generic turns of an unknown protocol: a turn is everything one side sends before the other
 * speaks, so a pause inside it is that side's (a line in, a stream out: the server paced it).
 */
const MESSAGE_PROTOCOLS: ReadonlySet<string> = new Set(["http1", "http2", "generic"]);

class IdleGaps {
  /** [startMs, endMs, frameBefore, frameAfter] per gap. */
  readonly gaps = new Float64Array(IDLE_GAPS_KEPT * 4);
  next = 0;
  count = 0;
  /**
   * Every gap since the connection's last exchange (the ring keeps only the latest): a long
   * stream's hundreds of pauses are all counted when they all fall in the exchange's phase.
   */
  sinceCount = 0;
  sinceMs = 0;
  sinceFirstMs = -1;
  sinceLastMs = -1;
  sinceWorstMs = 0;
  sinceLongest = 0;
  sinceWorstFrames: number[] = [];
}

/**
 * The rule behind slow-response-body (side 1) and slow-request-body (side 0): remembers the
 * side's idle gaps of at least SENDER_IDLE_MIN_MS, and when an HTTP exchange completes,
 * reports those inside its response (or request) phase: a streaming protocol's pauses between
 * messages (Redis pub/sub, an upgraded connection) are not a slow body. The exchange stage charges
 * a message's transfer to the network; each gap is proven to the side's app, inside that side's
 * request or response phase.
 */
/** The kind of an unreadable protocol's pauses (rules/slow-response-body.ts defines it). */
export const PACED_STREAM = "paced-stream";

export function senderIdleRule(side: number, kind: string): RuleFactory {
  const layer = appLayer(side);
  const phaseName = side === 1 ? "response" : "request";
  return (context: RuleContext) => ({
    onDataPacket(packet: PassPacket, track: ConnectionTrack): void {
      if ((packet.fromClient ? 0 : 1) !== side) return;
      // senderIdleMs is at most this (it counts from the side's last data or later): most
      // segments of a transfer follow the previous one within the minimum.
      if (
        packet.timeMs - track.lastDataMs[side]! - track.roundTripMs(side) <
        SENDER_IDLE_CHARGE_MIN_MS
      ) {
        return;
      }
      const idleMs = senderIdleMs(packet, track, side);
      if (idleMs < SENDER_IDLE_CHARGE_MIN_MS) return;
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
      if (state.sinceCount === 0) state.sinceFirstMs = packet.timeMs - idleMs;
      state.sinceCount++;
      state.sinceMs += idleMs;
      state.sinceLastMs = packet.timeMs;
      if (idleMs >= state.sinceWorstMs) {
        state.sinceWorstMs = idleMs;
        state.sinceWorstFrames = [track.lastDataFrame[side]!, packet.record.frame];
      }
      if (idleMs >= SENDER_IDLE_MIN_MS) state.sinceLongest++;
    },
    onExchange(exchange: Exchange, track: ConnectionTrack | undefined): void {
      const state = track?.slots[context.slot] as IdleGaps | undefined;
      if (state === undefined || state.count === 0) return;
      const since = {
        count: state.sinceCount,
        ms: state.sinceMs,
        firstMs: state.sinceFirstMs,
        lastMs: state.sinceLastMs,
        worstMs: state.sinceWorstMs,
        longest: state.sinceLongest,
        worstFrames: state.sinceWorstFrames,
      };
      state.sinceCount = 0;
      state.sinceMs = 0;
      state.sinceWorstMs = 0;
      state.sinceLongest = 0;
      if (!MESSAGE_PROTOCOLS.has(exchange.protocol)) return;
      const phase = findPhase(exchange, phaseName);
      if (phase === undefined) return;
      const fromMs = phase.startMs - 1e-6;
      const toMs = phase.startMs + phase.durationMs + 1e-6;
      let gaps = 0;
      let costMs = 0;
      let worstMs = 0;
      let longest = 0;
      let worstFrames: number[] = [];
      if (since.count > 0 && since.firstMs >= fromMs && since.lastMs <= toMs) {
        // Every gap since the last exchange lies in this phase.
        gaps = since.count;
        costMs = since.ms;
        worstMs = since.worstMs;
        longest = since.longest;
        worstFrames = since.worstFrames;
      } else {
        const g = state.gaps;
        for (let i = 0; i < state.count; i++) {
          const at = i * 4;
          if (g[at]! < fromMs || g[at + 1]! > toMs) continue;
          const ms = g[at + 1]! - g[at]!;
          gaps++;
          costMs += ms;
          if (ms >= SENDER_IDLE_MIN_MS) longest++;
          if (ms >= worstMs) {
            worstMs = ms;
            worstFrames = [g[at + 2]!, g[at + 3]!];
          }
        }
      }
      // Short gaps alone are noise: a message is slow when it paused at least once for longer.
      if (longest === 0) return;
      costMs = Math.min(costMs, phase.durationMs);
      // An unreadable protocol's pauses may be a stream's own pace: paced-stream, information.
      const generic = exchange.protocol === "generic";
      context.sink.add({
        kind: generic ? PACED_STREAM : kind,
        layer,
        severity: generic ? "info" : severityForCost(costMs, false),
        count: gaps,
        costMs,
        endpoint: spacedEndpointText(exchange.server),
        frames: worstFrames,
        connection: exchange.connection,
        exchange: exchange.id,
        facts: {
          gaps,
          worstMs: roundMs(worstMs),
          request: requestLabel(exchange),
          protocol: exchange.protocol,
        },
      });
    },
  });
}
