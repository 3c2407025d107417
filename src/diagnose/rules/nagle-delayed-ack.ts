/**
 * nagle-delayed-ack (the app of the side whose write-write-read pattern triggers it): a side
 * wrote a message in two pieces (write, write, then read the answer). Nagle's algorithm (RFC 896;
 * RFC 9293 §3.7.4) holds the second piece while the first is unacknowledged, and the peer delays
 * its ACK of the first (RFC 1122 §4.2.3.2; Linux TCP_DELACK_MIN = HZ/25 = 40 ms, up to
 * TCP_DELACK_MAX = HZ/5 = 200 ms; Windows 200 ms) because it has nothing to send until the whole
 * message is in. Each message stalls for the peer's delayed-ACK timer.
 *
 * Rule: data segment D1 from a side with nothing else unacknowledged; no data from the peer; the
 * peer's pure ACK covering D1 comes NAGLE_ACK_DELAY_MIN_MS..NAGLE_ACK_DELAY_MAX_MS later; the
 * side's next segment D2 follows that ACK within NAGLE_RELEASE_MAX_MS (plus the round trip to the
 * side, for a capture taken away from it): D2 was waiting for the ACK. Cost: D2 − D1.
 * Not when D2 did not fit in the room D1 left in the peer's advertised window: then the window
 * held D2 (RFC 9293 §3.8.6.2.1), and the ACK that released it was the peer reopening its window
 * (a slow reader behind a small buffer: receive-window-limited), not Nagle's.
 */
import { TcpFlag } from "../../decode/types.ts";
import type { PassPacket } from "../../exchange/types.ts";
import { seqGe } from "../../tcp/seq32.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { appLayer, sideName } from "../side-layer.ts";

export const NAGLE_DELAYED_ACK = "nagle-delayed-ack";

/** Linux's minimum delayed-ACK timeout (TCP_DELACK_MIN, 40 ms), less 10% for timer slack. */
export const NAGLE_ACK_DELAY_MIN_MS = 36;
/** The longest delayed ACK (200 ms: Linux TCP_DELACK_MAX, Windows' default) plus 25% slack. */
export const NAGLE_ACK_DELAY_MAX_MS = 250;
/** The held segment leaves as soon as the ACK arrives: within this, plus the round trip. */
export const NAGLE_RELEASE_MAX_MS = 2;

class NagleSide {
  /** D1: the segment sent with nothing else outstanding, waiting for its ACK. */
  pendingMs = -1;
  pendingFrame = 0;
  pendingEnd = 0;
  /** Bytes of the peer's advertised window still free after D1, -1 when unknown. */
  pendingRoomBytes = -1;
  /** The peer's (late) ACK of D1. */
  ackMs = -1;
  ackFrame = 0;
  stalls = 0;
  costMs = 0;
  worstMs = 0;
  worstAckDelayMs = 0;
  worstFrames: number[] = [];
}

class NagleState {
  readonly sides = [new NagleSide(), new NagleSide()];
}

export const nagleDelayedAckKind: FindingKind = {
  kind: NAGLE_DELAYED_ACK,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const side = group.text("writer");
    const peer = side === "client" ? "server" : "client";
    return {
      title: `Nagle × delayed ACK: the ${side} stalled ${plural(group.count, "time")}, ${msText(group.costMs)} in all`,
      explanation: `The ${side} wrote each message in two pieces and then waited for the answer (write-write-read). Nagle's algorithm held the second piece until the first was acknowledged, and the ${peer}'s kernel delayed that ACK (${msText(group.fact("ackDelayMs"))}, its delayed-ACK timer) because it was waiting for the rest of the message: frames ${group.first.frames.join(", ")}.`,
      advice: `Have the ${side} write each message in one call (build the whole buffer, or use writev/cork), or set TCP_NODELAY on its socket (Node: socket.setNoDelay(true)).`,
    };
  },
};

export const nagleDelayedAckRule: RuleFactory = (context: RuleContext) => ({
  onPacket(packet: PassPacket, track: ConnectionTrack): void {
    const view = packet.view;
    const flags = view.tcpFlags;
    if ((flags & (TcpFlag.SYN | TcpFlag.RST)) !== 0) return;
    const side = packet.fromClient ? 0 : 1;
    const peer = 1 - side;
    let state = track.slots[context.slot] as NagleState | undefined;
    const t = packet.timeMs;
    if (view.payloadLenBytes > 0) {
      if (state === undefined) {
        state = new NagleState();
        track.slots[context.slot] = state;
      }
      const s = state.sides[side]!;
      if (s.pendingMs >= 0 && s.ackMs >= 0) {
        const releaseMs = t - s.ackMs;
        const ackDelayMs = s.ackMs - s.pendingMs;
        const roundTripMs = track.roundTripMs(side);
        const heldByWindow = s.pendingRoomBytes >= 0 && view.payloadLenBytes > s.pendingRoomBytes;
        if (
          !heldByWindow &&
          releaseMs <= NAGLE_RELEASE_MAX_MS + roundTripMs &&
          ackDelayMs >= NAGLE_ACK_DELAY_MIN_MS &&
          ackDelayMs <= NAGLE_ACK_DELAY_MAX_MS + roundTripMs
        ) {
          const stallMs = t - s.pendingMs;
          s.stalls++;
          s.costMs += stallMs;
          if (stallMs >= s.worstMs) {
            s.worstMs = stallMs;
            s.worstAckDelayMs = ackDelayMs;
            s.worstFrames = [s.pendingFrame, s.ackFrame, packet.record.frame];
          }
          context.intervals.add(
            track.connection,
            s.pendingMs,
            t,
            appLayer(side),
            NAGLE_DELAYED_ACK,
          );
        }
      }
      // The peer's data carries its own ACK: it was not waiting, so nothing of its is pending.
      state.sides[peer]!.pendingMs = -1;
      if (track.allAcked(side)) {
        s.pendingMs = t;
        s.pendingFrame = packet.record.frame;
        s.pendingEnd = (view.tcpSeq + view.payloadLenBytes) >>> 0;
        // Everything before D1 was acknowledged: the peer's window is free but for D1.
        const windowBytes = track.scaledWindow(peer);
        s.pendingRoomBytes = windowBytes >= 0 ? windowBytes - view.payloadLenBytes : -1;
      } else {
        s.pendingMs = -1;
      }
      s.ackMs = -1;
      return;
    }
    if (state === undefined || (flags & TcpFlag.ACK) === 0 || (flags & TcpFlag.FIN) !== 0) return;
    // A pure ACK from `side` for the other side's pending segment.
    const other = state.sides[peer]!;
    if (other.pendingMs >= 0 && other.ackMs < 0 && seqGe(view.tcpAck, other.pendingEnd)) {
      other.ackMs = t;
      other.ackFrame = packet.record.frame;
    }
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    const state = track?.slots[context.slot] as NagleState | undefined;
    if (state === undefined) return;
    for (let side = 0; side < 2; side++) {
      const s = state.sides[side]!;
      if (s.stalls === 0) continue;
      context.sink.add({
        kind: NAGLE_DELAYED_ACK,
        layer: appLayer(side),
        severity: severityForCost(s.costMs, false),
        count: s.stalls,
        costMs: s.costMs,
        endpoint: endpointText(summary.server),
        frames: s.worstFrames,
        connection: summary.stream,
        exchange: -1,
        facts: {
          writer: sideName(side),
          stalls: s.stalls,
          worstMs: roundMs(s.worstMs),
          ackDelayMs: roundMs(s.worstAckDelayMs),
        },
      });
    }
  },
});
