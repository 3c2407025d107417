/**
 * receive-window-limited (the receiver's OS; its app when the app falls behind): the sender
 * kept filling the receiver's advertised window (Wireshark's tcp.analysis.window_full, user guide
 * "TCP Analysis") although the receiver kept reading: the window never closed, it was just small.
 * A sender may have at most one receive window in flight per round trip (RFC 9293 §3.8.6), so
 * throughput is capped at rwnd / RTT whatever the path carries. On Linux the window follows the
 * receive buffer (net.ipv4.tcp_rmem, net.core.rmem_max, or SO_RCVBUF set by the app, which also
 * disables autotuning).
 *
 * Rule: after at least RWND_MIN_LIMITED of one side's data segments, and at least RWND_MIN_SHARE
 * of them, less than another segment fitted in the receiver's window (Wireshark flags the exact
 * fills "window full"; a sender avoiding silly-window sends, RFC 9293 §3.8.6.2.1, stops short of
 * them); the receiver never advertised a zero window (that is zero-window: its app stopped
 * reading). The receiver's OS is charged when its window stayed near its largest (a buffer too
 * small for the path); its app when most of the window-bound segments met a window shrunk below
 * half its largest (the app read slower than the data came, RFC 9293 §3.8.6.2.2). Cost: the
 * transfer, first to last data segment. Once a transfer counts as window-bound,
 * each wait for the window is proven to the receiver's OS, so the exchange's phases say so.
 */
import type { PassPacket } from "../../exchange/types.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { appLayer, osLayer, sideName } from "../side-layer.ts";

export const RECEIVE_WINDOW_LIMITED = "receive-window-limited";

/** Window-bound segments before a transfer counts as window-bound (a few happen in any slow start). */
export const RWND_MIN_LIMITED = 8;
/** ...and their share of the sender's data segments. */
export const RWND_MIN_SHARE = 0.25;

class WindowWait {
  /** Per side: the transfer's window-bound count when this rule last looked. */
  readonly seenLimited = [0, 0];
}

export const receiveWindowLimitedKind: FindingKind = {
  kind: RECEIVE_WINDOW_LIMITED,
  costSeverityCap: "warning",
  confidence: 0.75,
  describe(group) {
    const receiver = group.text("receiver");
    if (group.text("readerBehind") === "yes") {
      return {
        title: `The ${receiver}'s application read too slowly: its shrinking receive window held a transfer back for ${msText(group.costMs)}`,
        explanation: `The ${group.text("sender")} kept filling the ${receiver}'s receive window (after ${group.fact("windowLimited")} of its ${group.fact("segments")} segments, first at frame ${group.first.frames[0]}), and the window had shrunk well below its largest (${group.fact("maxWindowBytes")} bytes): the ${receiver}'s kernel buffered data its application had not read yet. The ${receiver}'s application consumed the data slower than the path delivered it.`,
        advice: `Make the ${receiver}'s application read faster (a dedicated reader, larger reads, less work per chunk before the next read), or accept that it is the bottleneck (a printer, a slow disk).`,
      };
    }
    return {
      title: `The ${receiver}'s receive window limited a transfer: ${msText(group.costMs)}`,
      explanation: `The ${group.text("sender")} filled the ${receiver}'s advertised receive window (at most ${group.fact("maxWindowBytes")} bytes) after ${group.fact("windowLimited")} of its ${group.fact("segments")} segments (first at frame ${group.first.frames[0]}): it could have sent more but TCP allows only one window of unacknowledged data per round trip. The ${receiver} kept reading (the window never closed), so its receive buffer is simply too small for this path's round trip: throughput was ${(group.fact("rateKbitPerSec") / 1000).toFixed(2)} Mbit/s.`,
      advice: `Let the ${receiver}'s kernel size the buffer: remove any SO_RCVBUF the application sets (it disables autotuning), and raise net.ipv4.tcp_rmem's maximum and net.core.rmem_max to at least bandwidth × RTT; check that window scaling is not stripped by a middlebox.`,
    };
  },
};

export const receiveWindowLimitedRule: RuleFactory = (context: RuleContext) => ({
  onDataPacket(packet: PassPacket, track: ConnectionTrack): void {
    if (packet.view.payloadLenBytes <= 0) return;
    const side = packet.fromClient ? 0 : 1;
    const transfer = track.transfers[side];
    if (transfer === undefined) return;
    let wait = track.slots[context.slot] as WindowWait | undefined;
    if (wait === undefined) {
      wait = new WindowWait();
      track.slots[context.slot] = wait;
    }
    // The track counts a segment after the rules saw it: a count that grew since the last look
    // means the previous segment left no room, and this one waited for the window.
    const previousWasBound = transfer.windowLimited > wait.seenLimited[side]!;
    wait.seenLimited[side] = transfer.windowLimited;
    if (
      previousWasBound &&
      transfer.windowLimited >= RWND_MIN_LIMITED &&
      !track.zeroWindowSeen[1 - side]
    ) {
      context.intervals.add(
        track.connection,
        track.lastDataMs[side]!,
        packet.timeMs,
        osLayer(1 - side),
        RECEIVE_WINDOW_LIMITED,
      );
    }
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    if (track === undefined) return;
    for (let side = 0; side < 2; side++) {
      const transfer = track.transfers[side];
      if (transfer === undefined) continue;
      if (transfer.windowLimited < RWND_MIN_LIMITED) continue;
      if (transfer.windowLimited < transfer.segments * RWND_MIN_SHARE) continue;
      const received = side === 0 ? summary.toClient : summary.toServer;
      if (received.zeroWindows > 0) continue;
      const durationMs = transfer.durationMs;
      const appBehind = transfer.windowLimitedShrunk * 2 > transfer.windowLimited;
      context.sink.add({
        kind: RECEIVE_WINDOW_LIMITED,
        layer: appBehind ? appLayer(1 - side) : osLayer(1 - side),
        severity: severityForCost(durationMs, false),
        count: 1,
        costMs: durationMs,
        endpoint: endpointText(summary.server),
        frames: [transfer.firstFrame, transfer.lastFrame],
        connection: summary.stream,
        exchange: -1,
        facts: {
          sender: sideName(side),
          receiver: sideName(1 - side),
          windowLimited: transfer.windowLimited,
          windowFull: transfer.windowFull,
          maxWindowBytes: track.maxWindowBytes[1 - side]!,
          readerBehind: appBehind ? "yes" : "no",
          segments: transfer.segments,
          bytes: transfer.bytes,
          rateKbitPerSec: durationMs > 0 ? Math.round((transfer.bytes * 8) / durationMs) : 0,
        },
      });
    }
  },
});
