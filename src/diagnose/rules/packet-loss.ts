/**
 * packet-loss (network): data segments the network lost, recovered by fast retransmit (three
 * duplicate ACKs, RFC 5681 §3.2), by the retransmission timer (RFC 6298; Linux TCP_RTO_MIN =
 * 200 ms), or as tail loss (the last segment of a burst: nothing after it to trigger duplicate
 * ACKs, so only a timer or a tail-loss probe recovers it, RFC 8985 §7). The segments are the ones
 * Wireshark flags tcp.analysis.retransmission / fast_retransmission (its user guide, "TCP
 * Analysis"); spurious retransmissions (the data had arrived) are counted but cost nothing.
 *
 * Cost: for each retransmission, the time since the lost segment was first sent (seen at the
 * sender) or since the receiver saw the hole ("previous segment not captured"), counting time
 * already charged to an earlier retransmission of the same side once: a recovery that resends
 * five segments at once costs its duration, not five times it. The cost is what fell inside the
 * stretch the connection's exchanges covered: a sender resending to a receiver that has gone
 * (nothing acknowledged for a minute after the last response) delayed no request, and a cost
 * never exceeds the time it covers (both sides' recoveries, and parallel connections', count
 * once where they overlap: the occurrences carry their intervals). Lost SYNs are reported by the
 * accept-queue-overflow rule, which tells them from a full accept queue, and so are the client's
 * first data segments that a full accept queue dropped with the handshake's ACK. Resends the
 * path-mtu-black-hole rule is judging (ConnectionTrack.mtuHold) are kept aside, and counted only
 * if it lets them go: a black hole's resends are its own.
 */

import type { PacketView } from "../../decode/types.ts";
import { TcpFlag } from "../../decode/types.ts";
import type { PassPacket } from "../../exchange/types.ts";
import { ANY_RETRANSMISSION, AnalysisFlag } from "../../tcp/flags.ts";
import { seqLe, seqLt } from "../../tcp/seq32.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import {
  type ConnectionTrack,
  MTU_HOLD_CLAIMED,
  MTU_HOLD_HELD,
  MTU_HOLD_NONE,
  MTU_HOLD_OWNED,
} from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { sideName } from "../side-layer.ts";

export const PACKET_LOSS = "packet-loss";

/** Segments remembered per side to find a retransmitted segment's first send. */
export const SENT_SEGMENTS_KEPT = 64;
/**
 * A side's ring starts this small and doubles up to SENT_SEGMENTS_KEPT: the tcp stage summarises
 * a closed connection only after TIME_WAIT (60 s), so a capture's connections all hold their
 * rings at once, and most request sides send a handful of segments.
 */
export const SENT_SEGMENTS_FIRST = 8;
/** Linux's minimum retransmission timeout (TCP_RTO_MIN, 200 ms; RFC 6298 §2.4 says 1 s), less 10%. */
export const RTO_MIN_MS = 180;
/**
 * No TCP stack resends within 10 µs of the first send (the fastest timer is an RTT away): two
 * copies that close are one datagram the capture saw twice.
 */
export const CAPTURE_DUPLICATE_MS = 0.01;
/** Recovery intervals kept per side; past it the two closest merge (overstating, never losing). */
export const MAX_SPANS = 32;

class LossSide {
  /** Ring of [seq, end, timeMs, frame, ipId] of segments sent (first sends only). */
  ring: Float64Array | undefined = undefined;
  /** Entries the ring holds (its length / 5). */
  ringSize = 0;
  ringNext = 0;
  ringCount = 0;
  /** When the receiver side saw the hole the lost segment left, -1 when none open. */
  holeMs = -1;
  holeFrame = 0;
  /** The last hole the receiver side saw open (kept after a resend fills the first). */
  lastHoleMs = -1;
  lastHoleFrame = 0;
  coveredUntilMs = -1;
  retransmissions = 0;
  fast = 0;
  timeout = 0;
  tail = 0;
  spurious = 0;
  /** Segments the capture holds twice (same IP ID, or microseconds apart). */
  duplicates = 0;
  costMs = 0;
  /** The recoveries' intervals, [start, end] pairs in time order, disjoint (at most MAX_SPANS). */
  spans: number[] = [];
  previousSpansLength = 0;
  previousSpanEndMs = 0;
  worstMs = 0;
  worstFrames: number[] = [];
  /** The last resend, until the receiver's next ACK tells whether it was needed (D-SACK). */
  lastResendSeq = -1;
  lastResendCostMs = 0;
  lastResendFromMs = 0;
  lastResendAtMs = 0;
  lastResendClass = 0;
  previousWorstMs = 0;
  previousWorstFrames: number[] = [];
  previousCoveredUntilMs = -1;
  /** Resends held while the path-mtu-black-hole rule judges them, and their [from, to] intervals. */
  held: LossSide | undefined = undefined;
  heldIntervals: number[] = [];
}

/** What the last resend was counted as, so a D-SACK can take it back. */
const RESEND_FAST = 1;
const RESEND_TIMEOUT = 2;
const RESEND_TAIL = 4;

class LossState {
  readonly sides = [new LossSide(), new LossSide()];
}

export const packetLossKind: FindingKind = {
  kind: PACKET_LOSS,
  costSeverityCap: "warning",
  confidence: 0.85,
  describe(group) {
    const how: string[] = [];
    const fast = group.fact("fastRetransmits");
    const rto = group.fact("timeouts");
    const tail = group.fact("tailLosses");
    const syn = group.fact("synRetries");
    if (fast > 0) how.push(`${fast} by fast retransmit`);
    if (rto > 0) how.push(`${rto} after a retransmission timeout`);
    if (tail > 0) how.push(`${tail} of them tail losses`);
    if (syn > 0) how.push(`${syn} lost SYNs resent by the client's connect timer`);
    return {
      title: `Packet loss: ${plural(group.count, "segment")} resent, ${msText(group.costMs)} of recovery`,
      explanation: `Segments were lost between the two ends and had to be sent again${how.length > 0 ? ` (${how.join(", ")})` : ""}. Each loss stalls the transfer until the sender notices it: three duplicate ACKs (fast retransmit, about one round trip) or its retransmission timer (200 ms or more). Worst case frames ${group.first.frames.join(", ")}.`,
      advice:
        "Look for the lossy hop (interface errors and drops on routers and hosts on the path: `ip -s link`, `nstat TcpExtTCPLostRetransmit`, switch counters), congestion on a shared link, or a policer; loss that persists is worth raising with the network owner. SACK and RACK-TLP (on by default in Linux) shorten recovery.",
    };
  },
};

export const packetLossRule: RuleFactory = (context: RuleContext) => ({
  onPacket(packet: PassPacket, track: ConnectionTrack): void {
    const view = packet.view;
    const len = view.payloadLenBytes;
    const side = packet.fromClient ? 0 : 1;
    const sent = track.slots[context.slot] as LossState | undefined;
    if (sent !== undefined) {
      settleHeld(sent, track, context);
      if (view.tcpSackCount > 0) undoIfDuplicate(sent.sides[1 - side]!, view, track, context);
    }
    if (len <= 0 || (view.tcpFlags & TcpFlag.SYN) !== 0) return;
    let state = track.slots[context.slot] as LossState | undefined;
    if (state === undefined) {
      state = new LossState();
      track.slots[context.slot] = state;
    }
    const s = state.sides[side]!;
    const t = packet.timeMs;
    const flags = packet.flags;
    const seq = view.tcpSeq;
    // A side's own segments leave it in order, so an "out-of-order" segment whose bytes this
    // capture already saw is a resend (Wireshark calls a quick one out-of-order, within one RTT).
    // At or after the receiver, a segment that fills a hole an RTO or more after the hole opened
    // is the resend of one lost before the capture point: reordering delays are far shorter.
    const outOfOrder = (flags & AnalysisFlag.OUT_OF_ORDER) !== 0;
    const resent =
      outOfOrder &&
      (firstSend(s, seq) >= 0 || (s.lastHoleMs >= 0 && t - s.lastHoleMs >= RTO_MIN_MS));
    if ((flags & ANY_RETRANSMISSION) === 0 && !resent) {
      if ((flags & AnalysisFlag.LOST_SEGMENT) !== 0) {
        s.lastHoleMs = t;
        s.lastHoleFrame = packet.record.frame;
        if (s.holeMs < 0) {
          s.holeMs = t;
          s.holeFrame = packet.record.frame;
        }
      }
      remember(s, seq, (seq + len) >>> 0, t, packet.record.frame, view.ipId);
      return;
    }
    if (resent) track.resentFrame = packet.record.frame;
    if (track.dataDroppedByListener && side === 0) return;
    if (track.mtuHold[side] === MTU_HOLD_OWNED) return;
    const held = track.mtuHold[side] === MTU_HOLD_HELD;
    // While held, the resend is counted in its own tally (the ring of first sends stays s's).
    if (held && s.held === undefined) s.held = new LossSide();
    const c = held ? s.held! : s;
    if ((flags & AnalysisFlag.SPURIOUS_RETRANSMISSION) !== 0) {
      c.spurious++;
      return;
    }
    let originalMs = -1;
    let originalFrame = 0;
    let newest = false;
    const i = firstSend(s, seq);
    if (i >= 0) {
      const ring = s.ring!;
      const at = (s.ringNext - s.ringCount + i + s.ringSize) % s.ringSize;
      originalMs = ring[at * 5 + 2]!;
      originalFrame = ring[at * 5 + 3]!;
      newest = i === s.ringCount - 1;
      const originalIpId = ring[at * 5 + 4]!;
      if (
        (originalIpId >= 0 && originalIpId === view.ipId) ||
        t - originalMs < CAPTURE_DUPLICATE_MS
      ) {
        // The same datagram captured twice (two interfaces or VLANs), not a resend.
        c.duplicates++;
        return;
      }
    }
    if (originalMs < 0 && s.holeMs >= 0) {
      originalMs = s.holeMs;
      originalFrame = s.holeFrame;
    }
    if (originalMs < 0 && outOfOrder && s.lastHoleMs >= 0) {
      originalMs = s.lastHoleMs;
      originalFrame = s.lastHoleFrame;
    }
    if (originalMs < 0) originalMs = track.lastAckAdvanceMs[1 - side]!;
    s.holeMs = -1;
    let resendClass = 0;
    if ((flags & AnalysisFlag.FAST_RETRANSMISSION) !== 0) resendClass |= RESEND_FAST;
    else if (originalMs >= 0 && t - originalMs >= RTO_MIN_MS) resendClass |= RESEND_TIMEOUT;
    if (newest && (flags & AnalysisFlag.FAST_RETRANSMISSION) === 0) resendClass |= RESEND_TAIL;
    count(c, resendClass, 1);
    // A held resend is not undone by a D-SACK: the black-hole rule judges it.
    s.lastResendSeq = held ? -1 : seq;
    s.lastResendClass = resendClass;
    s.lastResendCostMs = 0;
    s.previousWorstMs = s.worstMs;
    s.previousWorstFrames = s.worstFrames;
    s.previousCoveredUntilMs = s.coveredUntilMs;
    if (originalMs < 0) return;
    const from = Math.max(originalMs, c.coveredUntilMs, held ? s.coveredUntilMs : -1);
    if (!held) {
      s.previousSpansLength = s.spans.length;
      s.previousSpanEndMs = s.spans.length > 0 ? s.spans[s.spans.length - 1]! : 0;
    }
    if (t > from) {
      c.costMs += t - from;
      if (!held) s.lastResendCostMs = t - from;
      addSpan(c.spans, from, t);
    }
    s.lastResendFromMs = originalMs;
    s.lastResendAtMs = t;
    if (t > c.coveredUntilMs) c.coveredUntilMs = t;
    const stallMs = t - originalMs;
    if (stallMs >= c.worstMs) {
      c.worstMs = stallMs;
      c.worstFrames =
        originalFrame > 0 ? [originalFrame, packet.record.frame] : [packet.record.frame];
    }
    if (held) s.heldIntervals.push(originalMs, t);
    else context.intervals.add(track.connection, originalMs, t, "network", PACKET_LOSS);
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    const state = track?.slots[context.slot] as LossState | undefined;
    if (state === undefined) return;
    settleHeld(state, track!, context);
    for (let side = 0; side < 2; side++) {
      const s = state.sides[side]!;
      if (s.retransmissions === 0) continue;
      const spans = track === undefined ? s.spans : clipSpans(s.spans, track);
      let costMs = 0;
      for (let i = 0; i < spans.length; i += 2) costMs += spans[i + 1]! - spans[i]!;
      context.sink.add({
        kind: PACKET_LOSS,
        layer: "network",
        severity: severityForCost(costMs, false),
        count: s.retransmissions,
        costMs,
        spansMs: spans,
        endpoint: endpointText(summary.server),
        frames: s.worstFrames,
        connection: summary.stream,
        exchange: -1,
        facts: {
          sender: sideName(side),
          retransmissions: s.retransmissions,
          fastRetransmits: s.fast,
          timeouts: s.timeout,
          tailLosses: s.tail,
          spurious: s.spurious,
          captureDuplicates: s.duplicates,
          worstMs: roundMs(s.worstMs),
        },
      });
    }
  },
});

/**
 * Follows the path-mtu-black-hole rule's word on each side's held resends: claimed, they are
 * dropped; let go, they are counted as loss.
 */
function settleHeld(state: LossState, track: ConnectionTrack, context: RuleContext): void {
  for (let side = 0; side < 2; side++) {
    const hold = track.mtuHold[side];
    if (hold === MTU_HOLD_HELD) continue;
    const s = state.sides[side]!;
    if (hold === MTU_HOLD_CLAIMED) track.mtuHold[side] = MTU_HOLD_NONE;
    const h = s.held;
    if (h === undefined) continue;
    s.held = undefined;
    const intervals = s.heldIntervals;
    s.heldIntervals = [];
    if (hold === MTU_HOLD_CLAIMED || hold === MTU_HOLD_OWNED) continue;
    s.retransmissions += h.retransmissions;
    s.fast += h.fast;
    s.timeout += h.timeout;
    s.tail += h.tail;
    s.spurious += h.spurious;
    s.duplicates += h.duplicates;
    s.costMs += h.costMs;
    s.spans = mergeSpans(s.spans, h.spans);
    if (h.coveredUntilMs > s.coveredUntilMs) s.coveredUntilMs = h.coveredUntilMs;
    if (h.worstMs >= s.worstMs && h.worstFrames.length > 0) {
      s.worstMs = h.worstMs;
      s.worstFrames = h.worstFrames;
    }
    for (let i = 0; i < intervals.length; i += 2) {
      context.intervals.add(
        track.connection,
        intervals[i]!,
        intervals[i + 1]!,
        "network",
        PACKET_LOSS,
      );
    }
  }
}

function remember(
  s: LossSide,
  seq: number,
  end: number,
  timeMs: number,
  frame: number,
  ipId: number,
): void {
  let ring = s.ring;
  if (ring === undefined) {
    ring = new Float64Array(SENT_SEGMENTS_FIRST * 5);
    s.ring = ring;
    s.ringSize = SENT_SEGMENTS_FIRST;
  } else if (s.ringCount === s.ringSize && s.ringSize < SENT_SEGMENTS_KEPT) {
    // Full and still below the limit: it has not wrapped (ringNext = 0), so the entries are in
    // order and a bigger ring continues after them.
    const grown = new Float64Array(Math.min(s.ringSize * 2, SENT_SEGMENTS_KEPT) * 5);
    grown.set(ring);
    ring = grown;
    s.ring = ring;
    s.ringNext = s.ringSize;
    s.ringSize = grown.length / 5;
  }
  const at = s.ringNext * 5;
  ring[at] = seq;
  ring[at + 1] = end;
  ring[at + 2] = timeMs;
  ring[at + 3] = frame;
  ring[at + 4] = ipId;
  s.ringNext = (s.ringNext + 1) % s.ringSize;
  if (s.ringCount < s.ringSize) s.ringCount++;
}

/** Index (0 = oldest) of the first send that held `seq`, -1 when not remembered. */
function firstSend(s: LossSide, seq: number): number {
  const ring = s.ring;
  if (ring === undefined) return -1;
  // Oldest first: the first send of the range, not an earlier retransmission of it.
  for (let i = 0; i < s.ringCount; i++) {
    const at = (s.ringNext - s.ringCount + i + s.ringSize) % s.ringSize;
    if (seqLe(ring[at * 5]!, seq) && seqLt(seq, ring[at * 5 + 1]!)) return i;
  }
  return -1;
}

function count(s: LossSide, resendClass: number, by: number): void {
  s.retransmissions += by;
  if ((resendClass & RESEND_FAST) !== 0) s.fast += by;
  if ((resendClass & RESEND_TIMEOUT) !== 0) s.timeout += by;
  if ((resendClass & RESEND_TAIL) !== 0) s.tail += by;
}

/**
 * A D-SACK (RFC 2883 §4: a first SACK block at or below the cumulative ACK, or inside the second
 * block) reporting the last resend's bytes says they had arrived already: the resend was
 * spurious (a tail-loss probe or a timer that fired too early), not loss.
 */
function undoIfDuplicate(
  s: LossSide,
  view: PacketView,
  track: ConnectionTrack,
  context: RuleContext,
): void {
  if (s.lastResendSeq < 0) return;
  const left = view.tcpSack[0]!;
  const right = view.tcpSack[1]!;
  const duplicate =
    seqLe(right, view.tcpAck) ||
    (view.tcpSackCount > 1 && seqLe(view.tcpSack[2]!, left) && seqLe(right, view.tcpSack[3]!));
  const seq = s.lastResendSeq;
  s.lastResendSeq = -1;
  if (!duplicate || !seqLe(left, seq) || !seqLt(seq, right)) return;
  count(s, s.lastResendClass, -1);
  s.spurious++;
  s.costMs -= s.lastResendCostMs;
  s.spans.length = s.previousSpansLength;
  if (s.spans.length > 0) s.spans[s.spans.length - 1] = s.previousSpanEndMs;
  s.coveredUntilMs = s.previousCoveredUntilMs;
  s.worstMs = s.previousWorstMs;
  s.worstFrames = s.previousWorstFrames;
  context.intervals.retract(track.connection, s.lastResendFromMs, s.lastResendAtMs, PACKET_LOSS);
}

/** Appends [from, to] (from ≥ every earlier start) to disjoint, ordered spans. */
function addSpan(spans: number[], from: number, to: number): void {
  const n = spans.length;
  if (n > 0 && from <= spans[n - 1]!) {
    if (to > spans[n - 1]!) spans[n - 1] = to;
    return;
  }
  spans.push(from, to);
  if (spans.length <= 2 * MAX_SPANS) return;
  let best = 2;
  for (let i = 4; i < spans.length; i += 2) {
    if (spans[i]! - spans[i - 1]! < spans[best]! - spans[best - 1]!) best = i;
  }
  spans.splice(best - 1, 2);
}

/**
 * The spans within the stretch the connection's exchanges covered, up to the last ACK that moved
 * either side forward; all of them when it had no exchange (the loss is then the connection's only
 * story).
 */
function clipSpans(spans: readonly number[], track: ConnectionTrack): number[] {
  const from = track.exchangesFromMs;
  // At the sender the last response byte "ends" an exchange at its first send; a resend of it
  // still delayed the reader until the ACK that covered it.
  const to = Math.max(
    track.exchangesToMs,
    track.lastAckAdvanceMs[0] ?? Number.NaN,
    track.lastAckAdvanceMs[1] ?? Number.NaN,
  );
  if (!(to > from)) return spans.slice();
  const out: number[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const start = Math.max(spans[i]!, from);
    const end = Math.min(spans[i + 1]!, to);
    if (end > start) out.push(start, end);
  }
  return out;
}

/** Two sides' disjoint, ordered spans as one. */
function mergeSpans(a: readonly number[], b: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i + 1 < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) addSpan(out, from, to);
  return out;
}
