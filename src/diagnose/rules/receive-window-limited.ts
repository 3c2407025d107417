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
 * half its largest (the app read slower than the data came, RFC 9293 §3.8.6.2.2), or when most
 * waits for the window were the receiver's: the window reopened (its right edge moved) at least
 * READER_HOLD_MIN_MS, and half a round trip, later than the round trip from the capture point to
 * the receiver. A receiver whose app reads at once answers a segment that filled its window within
 * the round trip: Linux ACKs more than one full segment at once when the read has made the window
 * no smaller (__tcp_ack_snd_check); when the app has not read, the kernel holds the ACK until the
 * read frees room (tcp_cleanup_rbuf) or its delayed-ACK timer fires, so the window reopens at the
 * reader's pace. Cost: the transfer, first to last data segment. Once a transfer counts as
 * window-bound, each wait for the window is proven to the receiver: to its app while most waits so
 * far reopened late, to its OS otherwise, so the exchange's phases say so.
 */
import type { PassPacket } from "../../exchange/types.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { appLayer, osLayer, sideName } from "../side-layer.ts";

export const RECEIVE_WINDOW_LIMITED = "receive-window-limited";

/** Window-bound segments before a transfer counts as window-bound (a few happen in any slow start). */
export const RWND_MIN_LIMITED = 8;
/** ...and their share of the sender's data segments. */
export const RWND_MIN_SHARE = 0.25;
/**
 * A receiver that reopened its window this much later than the round trip held it for its app:
 * more than a busy host's scheduling delay before the kernel answers (a prompt reader's window
 * update leaves within microseconds of the segment that filled the window).
 */
export const READER_HOLD_MIN_MS = 5;
/** ...and this share of the round trip, so that the path's delay variation is not taken for it. */
export const READER_HOLD_MIN_RTT_SHARE = 0.5;

class WindowWait {
  /** Per side: the transfer's window-bound count when this rule last looked. */
  readonly seenLimited = [0, 0];
  /** Per sending side: waits for the window measured, and those the receiver's app held. */
  readonly waits = [0, 0];
  readonly heldWaits = [0, 0];
  readonly heldMs = [0, 0];
}

export const receiveWindowLimitedKind: FindingKind = {
  kind: RECEIVE_WINDOW_LIMITED,
  costSeverityCap: "warning",
  confidence: 0.75,
  describe(group) {
    const receiver = group.text("receiver");
    if (group.text("readerBehind") === "yes") {
      const held = group.fact("heldWaits");
      const why =
        held * 2 > group.fact("boundWaits")
          ? `the window reopened only as the ${receiver}'s application read: in ${held} of ${group.fact("boundWaits")} waits the ${receiver}'s kernel let more in ${msText(group.fact("heldMs") / held)} on average after the round trip (${msText(group.fact("heldMs"))} in all), while a prompt reader answers within the round trip`
          : `the window had shrunk well below its largest (${group.fact("maxWindowBytes")} bytes): the ${receiver}'s kernel buffered data its application had not read yet`;
      return {
        title: `The ${receiver}'s application read too slowly: its receive window held a transfer back for ${msText(group.costMs)}`,
        explanation: `The ${group.text("sender")} kept filling the ${receiver}'s receive window (after ${group.fact("windowLimited")} of its ${group.fact("segments")} segments, first at frame ${group.first.frames[0]}; at most ${group.fact("maxWindowBytes")} bytes), and ${why}. The ${receiver}'s application consumed the data slower than the path delivered it: the sender and the network waited for it.`,
        advice: `Make the ${receiver}'s application read faster (a dedicated reader, larger reads, less work per chunk before the next read), or accept that it is the bottleneck (a printer, a slow disk). A small SO_RCVBUF set by the application makes each slow read cost a round of the sender's: remove it (it also turns autotuning off).`,
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
    if (!previousWasBound) return;
    const receiver = 1 - side;
    const boundMs = track.lastDataMs[side]!;
    const openedMs = track.windowEdgeAdvanceMs[receiver]!;
    // The receiver's own time before it let more in: when the window reopened, less the round
    // trip from the capture point to the receiver (at any vantage: ~0 at the receiver).
    if (openedMs > boundMs) {
      const roundTripMs = track.roundTripMs(receiver);
      const holdMs = openedMs - boundMs - roundTripMs;
      const fullRoundTripMs = track.roundTripMs(0) + track.roundTripMs(1);
      wait.waits[side]!++;
      if (holdMs >= READER_HOLD_MIN_MS && holdMs >= READER_HOLD_MIN_RTT_SHARE * fullRoundTripMs) {
        wait.heldWaits[side]!++;
        wait.heldMs[side]! += holdMs;
      }
    }
    // The waits so far decide, as the finding will: one late window update (a hiccup of the
    // path or the host) in a transfer the receiver's buffer bounds stays the OS's.
    const readerPaced = wait.heldWaits[side]! * 2 > wait.waits[side]!;
    if (
      transfer.windowLimited >= RWND_MIN_LIMITED &&
      (readerPaced || !track.zeroWindowSeen[receiver])
    ) {
      context.intervals.add(
        track.connection,
        boundMs,
        packet.timeMs,
        readerPaced ? appLayer(receiver) : osLayer(receiver),
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
      const wait = track.slots[context.slot] as WindowWait | undefined;
      const waits = wait?.waits[side] ?? 0;
      const heldWaits = wait?.heldWaits[side] ?? 0;
      const readerPaced = heldWaits * 2 > waits;
      // A receiver that also closed its window is zero-window's, unless its reads paced the
      // whole transfer: then the closed spans are only the worst of its waits.
      const received = side === 0 ? summary.toClient : summary.toServer;
      if (received.zeroWindows > 0 && !readerPaced) continue;
      const durationMs = transfer.durationMs;
      const appBehind = transfer.windowLimitedShrunk * 2 > transfer.windowLimited || readerPaced;
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
          boundWaits: waits,
          heldWaits,
          heldMs: roundMs(wait?.heldMs[side] ?? 0),
          segments: transfer.segments,
          bytes: transfer.bytes,
          rateKbitPerSec: durationMs > 0 ? Math.round((transfer.bytes * 8) / durationMs) : 0,
        },
      });
    }
  },
});
