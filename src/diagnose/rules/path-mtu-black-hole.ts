/**
 * path-mtu-black-hole (network): a path that silently drops datagrams larger than its MTU while
 * the ICMP "fragmentation needed" (type 3 code 4, RFC 1191 §4) or ICMPv6 "packet too big" (RFC
 * 8201 §4) that should tell the sender never reaches it: a filtered ICMP, a tunnel that does not
 * send one (RFC 2923 §2.1, "PMTUD black hole"). The sender keeps resending the same full-size
 * segment on its retransmission timer; smaller segments on the same connection get through.
 *
 * Rule, per sending side: the segment at the receiver's cumulative ACK point is sent at least
 * three times (two resends, MIN_RESENDS) at the same size without the ACK moving past it; no
 * segment of that size or larger from this side was ever delivered on the connection (ACKed, or
 * covered by a SACK block as large) while smaller ones were; and no ICMP frag-needed /
 * packet-too-big quoting the connection is in the capture. It ends when the ACK moves past the
 * segment after the sender resent those bytes in smaller segments (it got through by other
 * means: packetization-layer PMTUD, RFC 4821, or Windows' black-hole detection: a warning), or
 * with the connection (the receiver's FIN or RST, else its last packet: the transfer gave up, an
 * error) if the receiver SACKed a smaller segment after the full-size one's first send: a path
 * that carried nothing in that time had an outage, not a black hole. When a full-size resend
 * gets through after all, the path carries full-size datagrams and the resends were loss.
 *
 * Cost: the first send of the black-holed segment → its ACK, or the receiver's FIN/RST, or the
 * connection's last packet. While a side's segment is a candidate, packet-loss holds its resends
 * (ConnectionTrack.mtuHold) and counts them only when this rule lets them go.
 */

import { TcpFlag } from "../../decode/types.ts";
import type { PassPacket } from "../../exchange/types.ts";
import { ANY_RETRANSMISSION } from "../../tcp/flags.ts";
import { seqGt, seqLe, seqLt } from "../../tcp/seq32.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import {
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

export const PATH_MTU_BLACK_HOLE = "path-mtu-black-hole";

/**
 * Two resends of one segment at the same size with no ACK past it: one resend is ordinary loss
 * (RFC 5681's fast retransmit, a tail-loss probe), and a segment lost three times in a row at
 * a loss rate p happens with p³ (3% loss: 1 in 37,000).
 */
export const MIN_RESENDS = 2;
/** Segment sizes listed as delivered in the evidence. */
const SIZES_KEPT = 4;

/** Where a side's candidate stands. */
const NONE = 0;
const CANDIDATE = 1;
/** Got past it in smaller segments: until the ACK covers what was outstanding, resends are its. */
const RECOVERING = 2;

class BlackHoleSide {
  /** Sequence number after the highest payload byte this side sent; valid when hasData. */
  dataEnd = 0;
  hasData = false;
  /** The largest segment (payload bytes) the receiver is known to have received in full. */
  largestDelivered = 0;
  /** Distinct delivered sizes (ACKed segments, SACK blocks), for the evidence. */
  deliveredSizes: number[] = [];
  /** The first segment sent larger than largestDelivered, until it is ACKed: its end, size, time. */
  pendingEnd = 0;
  pendingLen = 0;
  pendingMs = 0;
  pendingFrame = 0;
  state = NONE;
  candSeq = 0;
  candLen = 0;
  candFirstMs = 0;
  candFirstFrame = 0;
  resends = 0;
  firstResendFrame = 0;
  lastResendFrame = 0;
  /**
   * The latest SACK block above the cumulative ACK smaller than the largest segment this side
   * sent: data sent after a hole got through in a small segment, -1 none.
   */
  smallSackMs = -1;
  /** The largest segment this side sent. */
  largestSent = 0;
  /** The candidate's bytes were sent again in a segment smaller than candLen. */
  smallerLen = 0;
  /** RECOVERING ends when the ACK reaches this (the side's data end when it got past). */
  recoverEnd = 0;
  /** The receiver's first FIN or RST after the candidate's first send, -1 none. */
  receiverEndMs = -1;
  receiverEndFrame = 0;
  /** Black holes found on this side. */
  episodes = 0;
  costMs = 0;
  gotThrough = 0;
  worstMs = 0;
  worstFrames: number[] = [];
  blackHoledLen = 0;
  resendsTotal = 0;
}

class BlackHoleState {
  readonly sides = [new BlackHoleSide(), new BlackHoleSide()];
}

export const pathMtuBlackHoleKind: FindingKind = {
  kind: PATH_MTU_BLACK_HOLE,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    const size = group.fact("segmentBytes");
    const delivered = group.text("deliveredBytes");
    const through = group.fact("gotThrough") > 0;
    return {
      title: through
        ? `Path-MTU black hole: ${size}-byte segments dropped for ${msText(group.costMs)} until smaller ones got through`
        : `Path-MTU black hole: ${size}-byte segments never arrived, ${msText(group.costMs)} until the transfer gave up`,
      explanation: `The ${group.text("sender")} resent the same ${size}-byte segment ${plural(group.fact("resends"), "time")} and the receiver never acknowledged it, while smaller segments on the same connection got through (${delivered} bytes). No ICMP "fragmentation needed" (or ICMPv6 "packet too big") came back: a link on the path has a smaller MTU and the message that should say so is dropped, so the sender never lowers its segment size. ${through ? "The bytes got through in the end in smaller segments (packetization-layer path-MTU discovery or black-hole detection)." : "The transfer never got past it."} Frames ${group.first.frames.join(", ")}.`,
      advice:
        "Let ICMP type 3 code 4 (and ICMPv6 type 2) through firewalls and security groups; clamp the MSS on tunnels and VPN links (`iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`); or turn on packetization-layer PMTUD on the sender (`net.ipv4.tcp_mtu_probing=1`, RFC 4821). `ping -M do -s 1472 host` finds the largest size that passes.",
    };
  },
};

export const pathMtuBlackHoleRule: RuleFactory = (context: RuleContext) => {
  /** ICMP frag-needed / packet-too-big seen, by the quoted segment's ports (src << 16 | dst). */
  const icmpPorts = new Set<number>();
  return {
    onIcmp(packet: PassPacket): void {
      const view = packet.view;
      const tooBig =
        (view.transport === "icmp" && view.icmpType === 3 && view.icmpCode === 4) ||
        (view.transport === "icmpv6" && view.icmpType === 2);
      const quote = view.icmpQuote;
      if (!tooBig || !quote.present || quote.protocol !== 6 || quote.srcPort < 0) return;
      icmpPorts.add(quote.srcPort * 65536 + quote.dstPort);
    },

    onPacket(packet: PassPacket, track: ConnectionTrack): void {
      const view = packet.view;
      const flags = view.tcpFlags;
      const len = view.payloadLenBytes;
      let state = track.slots[context.slot] as BlackHoleState | undefined;
      if (state === undefined) {
        if (len <= 0) return;
        state = new BlackHoleState();
        track.slots[context.slot] = state;
      }
      const side = packet.fromClient ? 0 : 1;
      const t = packet.timeMs;
      // As a receiver: what this packet says about the other side's data.
      const o = state.sides[1 - side]!;
      if (o.hasData) {
        if ((flags & TcpFlag.RST) === 0 && (flags & TcpFlag.ACK) !== 0) {
          const ack = view.tcpAck;
          if (o.state === RECOVERING && seqLe(o.recoverEnd, ack)) {
            claim(o, track, 1 - side, t, packet.record.frame, true);
          }
          if (o.pendingLen > 0 && seqLe(o.pendingEnd, ack)) {
            delivered(o, o.pendingLen);
            o.pendingLen = 0;
          }
          for (let i = 0; i < view.tcpSackCount; i++) {
            const left = view.tcpSack[2 * i]!;
            let right = view.tcpSack[2 * i + 1]!;
            if (seqGt(right, o.dataEnd)) right = o.dataEnd; // a FIN's sequence byte
            if (!seqLt(left, right)) continue;
            const size = (right - left) >>> 0;
            if (size < o.largestSent && seqGt(left, ack)) o.smallSackMs = t;
            if (o.state === CANDIDATE && size >= o.candLen) {
              release(o, track, 1 - side); // a block as large as the segment: the path carries it
            } else if (size < o.candLen || o.state === NONE) {
              delivered(o, size);
            }
          }
          if (o.state === CANDIDATE && seqGt(ack, o.candSeq)) {
            if (o.resends >= MIN_RESENDS && o.smallerLen > 0) {
              o.state = RECOVERING;
              o.recoverEnd = o.dataEnd;
              track.mtuHold[1 - side] = MTU_HOLD_OWNED;
              if (seqLe(o.recoverEnd, ack)) claim(o, track, 1 - side, t, packet.record.frame, true);
            } else {
              release(o, track, 1 - side);
            }
          }
        }
        if (
          o.state === CANDIDATE &&
          o.receiverEndMs < 0 &&
          (flags & (TcpFlag.FIN | TcpFlag.RST)) !== 0
        ) {
          o.receiverEndMs = t;
          o.receiverEndFrame = packet.record.frame;
        }
      }
      // As a sender.
      if (len <= 0 || (flags & (TcpFlag.SYN | TcpFlag.RST)) !== 0) return;
      const s = state.sides[side]!;
      const seq = view.tcpSeq;
      const end = (seq + len) >>> 0;
      const resent =
        s.hasData && ((packet.flags & ANY_RETRANSMISSION) !== 0 || seqLt(seq, s.dataEnd));
      // This resend's first send, when it is the pending segment.
      const pendingIsThis = resent && s.pendingLen > 0 && s.pendingEnd === end;
      // A segment resent may have arrived as either copy: its size is not known to pass.
      if (resent && s.pendingLen > 0 && seqLt(seq, s.pendingEnd)) s.pendingLen = 0;
      if (!resent) {
        if (!s.hasData || seqGt(end, s.dataEnd)) s.dataEnd = end;
        s.hasData = true;
        if (len > s.largestSent) s.largestSent = len;
        if (s.pendingLen === 0 && len > s.largestDelivered) {
          s.pendingEnd = end;
          s.pendingLen = len;
          s.pendingMs = t;
          s.pendingFrame = packet.record.frame;
        }
        return;
      }
      if (s.state === CANDIDATE) {
        // Resends after the receiver gave up no longer keep anyone waiting.
        if (seq !== s.candSeq || s.receiverEndMs >= 0) return;
        if (len >= s.candLen) {
          s.resends++;
          s.lastResendFrame = packet.record.frame;
        } else {
          s.smallerLen = len;
        }
        return;
      }
      if (s.state === RECOVERING) return;
      const peer = 1 - side;
      if (!track.hasAck[peer] || seq !== track.lastAck[peer]) return;
      if (s.largestDelivered === 0 || len <= s.largestDelivered) return;
      if (icmpPorts.has(view.srcPort * 65536 + view.dstPort)) return;
      s.state = CANDIDATE;
      s.candSeq = seq;
      s.candLen = len;
      // Its first send: the pending segment when that is it, else when the ACK got stuck here.
      s.candFirstMs = pendingIsThis ? s.pendingMs : Math.max(0, track.lastAckAdvanceMs[peer]!);
      s.candFirstFrame = pendingIsThis ? s.pendingFrame : packet.record.frame;
      s.resends = 1;
      s.firstResendFrame = packet.record.frame;
      s.lastResendFrame = packet.record.frame;
      s.smallerLen = 0;
      s.receiverEndMs = -1;
      track.mtuHold[side] = MTU_HOLD_HELD;
    },

    onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
      const state = track?.slots[context.slot] as BlackHoleState | undefined;
      if (state === undefined || track === undefined) return;
      for (let side = 0; side < 2; side++) {
        const s = state.sides[side]!;
        if (s.state === RECOVERING) {
          claim(
            s,
            track,
            side,
            Math.max(s.candFirstMs, track.lastAckAdvanceMs[1 - side]!),
            s.lastResendFrame,
            true,
          );
        } else if (s.state === CANDIDATE) {
          // A path that carried nothing at all (an outage) is no black hole: a smaller segment
          // sent with or after the full-size one must have got through.
          if (s.resends >= MIN_RESENDS && s.smallSackMs > s.candFirstMs) {
            const endMs = s.receiverEndMs >= 0 ? s.receiverEndMs : track.lastMs;
            const endFrame = s.receiverEndMs >= 0 ? s.receiverEndFrame : track.lastFrame;
            claim(s, track, side, endMs, endFrame, false);
          } else {
            release(s, track, side);
          }
        }
        if (s.episodes === 0) continue;
        context.sink.add({
          kind: PATH_MTU_BLACK_HOLE,
          layer: "network",
          severity: severityForCost(s.costMs, s.gotThrough < s.episodes),
          count: s.episodes,
          costMs: s.costMs,
          endpoint: endpointText(summary.server),
          frames: s.worstFrames,
          connection: summary.stream,
          exchange: -1,
          facts: {
            sender: sideName(side),
            segmentBytes: s.blackHoledLen,
            largestDeliveredBytes: s.largestDelivered,
            deliveredBytes: [...s.deliveredSizes].sort((a, b) => a - b).join(", "),
            resends: s.resendsTotal,
            gotThrough: s.gotThrough,
            worstMs: roundMs(s.worstMs),
          },
        });
      }
    },
  };

  /** The candidate was a black hole: its time is the network's, its resends this rule's. */
  function claim(
    s: BlackHoleSide,
    track: ConnectionTrack,
    side: number,
    endMs: number,
    endFrame: number,
    gotThrough: boolean,
  ): void {
    const stallMs = Math.max(0, endMs - s.candFirstMs);
    s.episodes++;
    if (gotThrough) s.gotThrough++;
    s.costMs += stallMs;
    s.resendsTotal += s.resends;
    if (stallMs >= s.worstMs) {
      s.worstMs = stallMs;
      s.blackHoledLen = s.candLen;
      s.worstFrames = [
        ...new Set([s.candFirstFrame, s.firstResendFrame, s.lastResendFrame, endFrame]),
      ];
    }
    context.intervals.add(track.connection, s.candFirstMs, endMs, "network", PATH_MTU_BLACK_HOLE);
    s.state = NONE;
    track.mtuHold[side] = MTU_HOLD_CLAIMED;
  }

  /** Not a black hole after all: packet-loss counts the resends it held. */
  function release(s: BlackHoleSide, track: ConnectionTrack, side: number): void {
    s.state = NONE;
    track.mtuHold[side] = MTU_HOLD_NONE;
  }
};

function delivered(s: BlackHoleSide, size: number): void {
  if (size > s.largestDelivered) s.largestDelivered = size;
  if (s.deliveredSizes.length < SIZES_KEPT && !s.deliveredSizes.includes(size)) {
    s.deliveredSizes.push(size);
  }
}
