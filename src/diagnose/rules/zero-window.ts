/**
 * zero-window (the app of the side that advertised it): a side advertised a receive window of 0
 * and the other side had to stop sending until it reopened. Wireshark's definition (user guide,
 * "TCP Analysis": tcp.analysis.zero_window, "the receive window size in the receiver is zero");
 * RFC 9293 §3.8.6.1 (zero-window probing). A full receive buffer means the application on that
 * side did not read: its kernel had nowhere to put more bytes.
 *
 * Cost: from the zero-window segment to the first segment from the same side with a non-zero
 * window (the window update that let the sender resume); a window still closed at the end of the
 * connection costs until its last packet.
 */

import { TcpFlag } from "../../decode/types.ts";
import type { PassPacket } from "../../exchange/types.ts";
import { AnalysisFlag } from "../../tcp/flags.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { appLayer, sideName } from "../side-layer.ts";

export const ZERO_WINDOW = "zero-window";

class ZeroWindowSide {
  openMs = -1;
  openFrame = 0;
  episodes = 0;
  costMs = 0;
  worstMs = 0;
  worstFrames: number[] = [];
}

class ZeroWindowState {
  readonly sides = [new ZeroWindowSide(), new ZeroWindowSide()];
}

export const zeroWindowKind: FindingKind = {
  kind: ZERO_WINDOW,
  costSeverityCap: "warning",
  confidence: 0.9,
  describe(group) {
    const side = group.text("advertisedBy");
    return {
      title: `The ${side} stopped reading: zero window for ${msText(group.costMs)} (${plural(group.count, "time")})`,
      explanation: `The ${side} advertised a TCP receive window of 0: its receive buffer was full because its application was not reading the socket. The other side had to stop sending until the window reopened (longest pause ${msText(group.fact("worstMs"))}, frames ${group.first.frames.join(", ")}).`,
      advice: `Find what kept the ${side}'s application from reading (a blocked event loop or thread, slow processing of each chunk, back-pressure from a slower consumer) and read continuously; a larger receive buffer only delays the stall.`,
    };
  },
};

export const zeroWindowRule: RuleFactory = (context: RuleContext) => ({
  onPacket(packet: PassPacket, track: ConnectionTrack): void {
    const view = packet.view;
    const side = packet.fromClient ? 0 : 1;
    let state = track.slots[context.slot] as ZeroWindowState | undefined;
    if ((packet.flags & AnalysisFlag.ZERO_WINDOW) !== 0) {
      if (state === undefined) {
        state = new ZeroWindowState();
        track.slots[context.slot] = state;
      }
      const s = state.sides[side]!;
      if (s.openMs < 0) {
        s.openMs = packet.timeMs;
        s.openFrame = packet.record.frame;
      }
      return;
    }
    if (state === undefined) return;
    const s = state.sides[side]!;
    if (s.openMs >= 0 && view.tcpWindow > 0 && (view.tcpFlags & TcpFlag.RST) === 0) {
      close(s, packet.timeMs, packet.record.frame);
      context.intervals.add(track.connection, s.openMs, packet.timeMs, appLayer(side), ZERO_WINDOW);
      s.openMs = -1;
    }
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    const state = track?.slots[context.slot] as ZeroWindowState | undefined;
    if (state === undefined) return;
    for (let side = 0; side < 2; side++) {
      const s = state.sides[side]!;
      if (s.openMs >= 0) close(s, track!.lastMs, track!.lastFrame);
      if (s.episodes === 0) continue;
      context.sink.add({
        kind: ZERO_WINDOW,
        layer: appLayer(side),
        severity: severityForCost(s.costMs, false),
        count: s.episodes,
        costMs: s.costMs,
        endpoint: endpointText(summary.server),
        frames: s.worstFrames,
        connection: summary.stream,
        exchange: -1,
        facts: { advertisedBy: sideName(side), worstMs: roundMs(s.worstMs), episodes: s.episodes },
      });
    }
  },
});

function close(s: ZeroWindowSide, timeMs: number, frame: number): void {
  const ms = Math.max(0, timeMs - s.openMs);
  s.episodes++;
  s.costMs += ms;
  if (ms >= s.worstMs) {
    s.worstMs = ms;
    s.worstFrames = [s.openFrame, frame];
  }
}
