/**
 * What the diagnose stage remembers about one TCP connection while its packets go by: the facts
 * several rules need (handshake times, each side's last ACK and highest sequence number, the
 * request in progress), updated once per packet, plus one state slot per rule. Sides are indexed
 * 0 = client, 1 = server. A track lives from the connection's first packet to its summary
 * (PassObserver.onConnection), so memory follows the connections open at once, not the capture.
 */
import { TcpFlag } from "../decode/types.ts";
import type { PassPacket } from "../exchange/types.ts";
import { ANY_RETRANSMISSION, AnalysisFlag } from "../tcp/flags.ts";
import { seqDiff, seqGt } from "../tcp/seq32.ts";
import { TransferShape } from "./transfer-shape.ts";

/** Exchange ids remembered per connection (to mark them slow when a connection-level finding names it). */
export const TRACK_EXCHANGES_KEPT = 64;

/** RSTs remembered per connection: the first one decides, a few more are echoes of it. */
export const RESETS_KEPT = 4;

/**
 * ConnectionTrack.mtuHold, per side: whether the path-mtu-black-hole rule is judging that side's
 * resends (HELD: packet-loss keeps them aside), has claimed them (CLAIMED: packet-loss drops
 * what it held and sets NONE), owns them while the data gets through in smaller segments (OWNED:
 * packet-loss drops what it held and skips resends until the rule sets CLAIMED), or let them go
 * (NONE: packet-loss counts what it held).
 */
export const MTU_HOLD_NONE = 0;
export const MTU_HOLD_HELD = 1;
export const MTU_HOLD_CLAIMED = 2;
export const MTU_HOLD_OWNED = 3;

/** A RST as the packets showed it, with the state just before it. */
export interface ResetSighting {
  frame: number;
  timeMs: number;
  /** 0 client, 1 server. */
  side: number;
  /**
   * The RST acknowledges bytes its sender had never acknowledged before: data arrived after its
   * last ACK and was thrown away with the socket (the kernel's RST on close() with unread data,
   * RFC 2525 §2.17, carries rcv_nxt).
   */
  ackNovel: boolean;
  /** The request in progress when the RST came (first client byte after the last response), -1. */
  requestStartMs: number;
  requestStartFrame: number;
  /** Side of the last payload before the RST (-1 none): 0 means a request was in progress. */
  lastDataSide: number;
  /** The server's first FIN, -1 when it had not sent one. */
  serverFinMs: number;
  serverFinFrame: number;
  /**
   * The RST's sender had sent its FIN, and all its peer sent after that FIN (at least one
   * segment) was lone TLS alerts (isLoneTlsAlert): a close_notify answering the close.
   */
  alertsOnlyAfterFin: boolean;
  /** The first of those alerts, 0 when none; the RST sender's FIN, 0 when none. */
  alertFrame: number;
  senderFinFrame: number;
}

/**
 * The longest TLS record taken for a lone alert: a clear one is 2 bytes; an encrypted one adds
 * the explicit nonce or IV, the tag or MAC and padding (TLS 1.2 AES-CBC with SHA-384: 16 + 2 +
 * 48, padded to 80), or in TLS 1.3 the inner content type and a 16-byte tag (19).
 */
export const MAX_ALERT_RECORD_BYTES = 80;
/** TLS record content types (RFC 8446 §5.1): alert, application data (a TLS 1.3 alert). */
const TLS_ALERT = 21;
const TLS_APPLICATION_DATA = 23;
/** A TLS 1.3 record of only an encrypted alert: 2 + 1 + a 16-byte AEAD tag (RFC 8446 §5.2). */
const TLS13_ALERT_RECORD_BYTES = 19;

/**
 * The segment's payload is exactly one TLS alert record: content type 21, or a TLS 1.3
 * application_data record no longer than an encrypted alert (19 bytes: the alert, its inner
 * content type and the tag). False when the snaplen cut its header.
 */
export function isLoneTlsAlert(view: PassPacket["view"]): boolean {
  const len = view.payloadLenBytes;
  if (len < 7 || view.payloadCapturedBytes < 5) return false;
  const b = view.bytes;
  const at = view.payloadOffset;
  const type = b[at]!;
  const recordBytes = (b[at + 3]! << 8) | b[at + 4]!;
  if (b[at + 1] !== 3 || recordBytes + 5 !== len) return false;
  if (type === TLS_ALERT) return recordBytes >= 2 && recordBytes <= MAX_ALERT_RECORD_BYTES;
  return type === TLS_APPLICATION_DATA && recordBytes <= TLS13_ALERT_RECORD_BYTES;
}

export class ConnectionTrack {
  connection: number;
  /** False when the analysis was asked to leave this connection out (AnalyzeOptions.clientPorts). */
  included = true;
  /** The connection's first and last packet (ms since the capture's first packet). */
  firstMs = -1;
  lastMs = -1;
  lastFrame = 0;
  firstSynMs = -1;
  firstSynFrame = 0;
  lastSynMs = -1;
  lastSynFrame = 0;
  /** SYNs (without ACK) sent by the client, retransmissions included, capture duplicates not. */
  synCount = 0;
  /** IP ID of the last SYN counted (-1 for IPv6 or none). */
  lastSynIpId = -1;
  synAckMs = -1;
  synAckFrame = 0;
  /**
   * The latest SYN/ACK before the handshake completed, and the first one after the latest SYN:
   * the ones the round trips pair with. Karn's rule (RFC 6298 §3) holds for the handshake too: an
   * ACK after a retransmitted SYN/ACK answers the last one sent, and a SYN/ACK after a retried SYN
   * answers that retry, or the estimate takes a lost segment's timeout for a round trip.
   */
  lastSynAckMs = -1;
  synAckAfterLastSynMs = -1;
  /** The client's ACK of the SYN/ACK (handshake complete), -1 before. */
  handshakeAckMs = -1;
  /** Last acknowledgment number each side sent outside a RST; valid when hasAck. */
  readonly lastAck = [0, 0];
  readonly hasAck = [false, false];
  /** Time each side's last ACK advanced. */
  readonly lastAckAdvanceMs = [-1, -1];
  /** Sequence number after the highest byte each side sent; valid when hasSeq. */
  readonly seqEnd = [0, 0];
  readonly hasSeq = [false, false];
  /** Raw window field of each side's last segment (not scaled: only zero vs not matters here). */
  readonly lastWindow = [-1, -1];
  /** Each side advertised a zero window at least once (Wireshark's tcp.analysis.zero_window). */
  readonly zeroWindowSeen = [false, false];
  /** When each side's window last reopened after a zero window, -1 when it never closed. */
  readonly windowOpenedMs = [-1, -1];
  readonly lastDataMs = [-1, -1];
  readonly lastDataFrame = [0, 0];
  /** Side of the most recent payload, -1 before any. */
  lastDataSide = -1;
  /** The client's last data segment left no room in the server's window. */
  clientWindowBound = false;
  /** First client payload after server payload (or the first one): the request in progress. */
  requestStartMs = -1;
  requestStartFrame = 0;
  /**
   * Window scale shift each side offered in its SYN (RFC 7323 §2.2), -1 when not offered or the
   * SYN was not seen. Scaling applies only when both offered it.
   */
  readonly windowScale = [-1, -1];
  /** The largest receive window each side advertised, in bytes (0 while unknown). */
  readonly maxWindowBytes = [0, 0];
  /**
   * The right edge of each side's advertised window (its ACK plus its scaled window: the first
   * byte the peer may not send yet), and when it last moved forward: the moment that side let
   * its peer send more (an ACK of fresh data with room, or a window update). -1 while unknown.
   */
  readonly windowEdge = [0, 0];
  readonly windowEdgeAdvanceMs = [-1, -1];
  synSeen = [false, false];
  /**
   * The frame a rule found to be a second sending of bytes this capture had already seen (the tcp
   * stage may flag such a resend out-of-order, as Wireshark does within one RTT): 0 when none.
   */
  resentFrame = 0;
  /**
   * The accept-queue rule found the handshake completed only after SYN drops by a full accept
   * queue: the client's first data, sent before the server's socket was accepted, may be dropped
   * by the listener too, and its retransmissions are the queue's, not the network's.
   */
  dataDroppedByListener = false;
  /** Each side's MTU_HOLD_* state (path-mtu-black-hole and packet-loss share it). */
  readonly mtuHold = [MTU_HOLD_NONE, MTU_HOLD_NONE];
  /** Each side's data transfer (first sends only), created at its first data segment. */
  readonly transfers: (TransferShape | undefined)[] = [undefined, undefined];
  /** First FIN of each side, -1 when none. */
  readonly finMs = [-1, -1];
  readonly finFrame = [0, 0];
  /** Data segments each side sent after the other side's FIN, and how many were lone alerts. */
  readonly dataAfterPeerFin = [0, 0];
  readonly alertsAfterPeerFin = [0, 0];
  readonly firstAlertAfterPeerFinFrame = [0, 0];
  /** The first RESETS_KEPT resets, as the packets showed them (resets are classified from these). */
  readonly resets: ResetSighting[] = [];
  /** Exchanges of this connection seen so far, and the first TRACK_EXCHANGES_KEPT of their ids. */
  exchanges = 0;
  readonly exchangeIds: number[] = [];
  /**
   * The stretch of the capture's clock its exchanges covered (ms since the capture's start; NaN
   * before the first): what the connection's requests could have waited through.
   */
  exchangesFromMs = Number.NaN;
  exchangesToMs = Number.NaN;
  /** Exchanges of this connection that ended without their response (reset, no response). */
  failedExchanges = 0;
  /** Each rule's own per-connection state, indexed by the rule's slot. */
  readonly slots: unknown[];

  constructor(connection: number, slotCount: number) {
    this.connection = connection;
    this.slots = new Array<unknown>(slotCount).fill(undefined);
  }

  /**
   * The round trip from the capture point to one side and back, from the handshake: to the
   * server (side 1) SYN → SYN/ACK, to the client (side 0) SYN/ACK → the client's ACK. A side's
   * answer reaches the capture this much later than the side itself sent it (~0 when captured at
   * that side), so it is what is taken out of a gap to leave that side's own time. 0 when unknown.
   */
  roundTripMs(side: number): number {
    if (side === 1) {
      return this.synAckAfterLastSynMs >= 0 && this.lastSynMs >= 0
        ? this.synAckAfterLastSynMs - this.lastSynMs
        : 0;
    }
    return this.handshakeAckMs >= 0 && this.lastSynAckMs >= 0
      ? this.handshakeAckMs - this.lastSynAckMs
      : 0;
  }

  /** Updates the shared facts with one packet (after the rules have seen the state before it). */
  update(packet: PassPacket): void {
    const view = packet.view;
    const side = packet.fromClient ? 0 : 1;
    const flags = view.tcpFlags;
    const t = packet.timeMs;
    if (this.firstMs < 0) this.firstMs = t;
    if ((packet.flags & AnalysisFlag.ZERO_WINDOW) !== 0) this.zeroWindowSeen[side] = true;
    this.lastMs = t;
    this.lastFrame = packet.record.frame;
    if ((flags & TcpFlag.SYN) !== 0) {
      this.synSeen[side] = true;
      this.windowScale[side] = view.tcpWindowScale;
      if ((flags & TcpFlag.ACK) === 0) {
        if (this.isDuplicateSyn(packet)) return;
        this.lastSynIpId = view.ipId;
        if (this.synCount === 0) {
          this.firstSynMs = t;
          this.firstSynFrame = packet.record.frame;
        }
        this.synCount++;
        this.lastSynMs = t;
        this.lastSynFrame = packet.record.frame;
        if (this.handshakeAckMs < 0) this.synAckAfterLastSynMs = -1;
      } else {
        if (this.synAckMs < 0) {
          this.synAckMs = t;
          this.synAckFrame = packet.record.frame;
        }
        if (this.handshakeAckMs < 0) {
          this.lastSynAckMs = t;
          if (this.synAckAfterLastSynMs < 0) this.synAckAfterLastSynMs = t;
        }
      }
    } else if (
      side === 0 &&
      this.synAckMs >= 0 &&
      this.handshakeAckMs < 0 &&
      (flags & TcpFlag.ACK) !== 0
    ) {
      this.handshakeAckMs = t;
    }
    if ((flags & TcpFlag.RST) !== 0) {
      if (this.resets.length < RESETS_KEPT) {
        this.resets.push({
          frame: packet.record.frame,
          timeMs: t,
          side,
          ackNovel:
            (flags & TcpFlag.ACK) !== 0 &&
            (!this.hasAck[side] || seqGt(view.tcpAck, this.lastAck[side]!)),
          lastDataSide: this.lastDataSide,
          requestStartMs: this.requestStartMs,
          requestStartFrame: this.requestStartFrame,
          serverFinMs: this.finMs[1]!,
          serverFinFrame: this.finFrame[1]!,
          alertsOnlyAfterFin:
            this.finMs[side]! >= 0 &&
            this.dataAfterPeerFin[1 - side]! > 0 &&
            this.dataAfterPeerFin[1 - side] === this.alertsAfterPeerFin[1 - side],
          alertFrame: this.firstAlertAfterPeerFinFrame[1 - side]!,
          senderFinFrame: this.finFrame[side]!,
        });
      }
    } else {
      if ((flags & TcpFlag.ACK) !== 0) {
        if (!this.hasAck[side] || seqGt(view.tcpAck, this.lastAck[side]!)) {
          this.lastAck[side] = view.tcpAck;
          this.lastAckAdvanceMs[side] = t;
        }
        this.hasAck[side] = true;
      }
      if (this.lastWindow[side] === 0 && view.tcpWindow > 0) this.windowOpenedMs[side] = t;
      this.lastWindow[side] = view.tcpWindow;
      if ((flags & TcpFlag.SYN) === 0) {
        const windowBytes = this.scaledWindow(side);
        if (windowBytes > this.maxWindowBytes[side]!) this.maxWindowBytes[side] = windowBytes;
        if (windowBytes >= 0 && this.hasAck[side]) {
          const edge = (this.lastAck[side]! + windowBytes) >>> 0;
          if (this.windowEdgeAdvanceMs[side]! < 0 || seqGt(edge, this.windowEdge[side]!)) {
            this.windowEdge[side] = edge;
            this.windowEdgeAdvanceMs[side] = t;
          }
        }
      }
    }
    const len = view.payloadLenBytes;
    if (len > 0) {
      const end = (view.tcpSeq + len + ((flags & TcpFlag.SYN) !== 0 ? 1 : 0)) >>> 0;
      if (!this.hasSeq[side] || seqGt(end, this.seqEnd[side]!)) this.seqEnd[side] = end;
      this.hasSeq[side] = true;
      // Client bytes after server bytes start a new request, unless the client's previous
      // segment had filled the server's window: then it was still sending (an upload the server
      // answered early, e.g. with 413), and these bytes continue the same request.
      if (side === 0 && this.lastDataSide !== 0 && !this.clientWindowBound) {
        this.requestStartMs = t;
        this.requestStartFrame = packet.record.frame;
      }
      const turned = this.lastDataSide !== side;
      this.lastDataSide = side;
      if ((packet.flags & ANY_RETRANSMISSION) === 0) {
        let transfer = this.transfers[side];
        if (transfer === undefined) {
          transfer = new TransferShape();
          this.transfers[side] = transfer;
        }
        if (turned) transfer.turns++;
        transfer.add(t, packet.record.frame, len);
        let bound = (packet.flags & AnalysisFlag.WINDOW_FULL) !== 0;
        if (bound) transfer.windowFull++;
        const windowBytes = this.scaledWindow(1 - side);
        if (windowBytes > 0 && this.hasAck[1 - side]) {
          // After this segment, less than another segment of its size fits in the peer's window:
          // the window, not the sender, decides when the next one can go (RFC 9293 §3.8.6.2.1).
          const inFlightBytes = seqDiff(this.lastAck[1 - side]!, end);
          if (inFlightBytes + len > windowBytes) {
            transfer.windowLimited++;
            if (windowBytes * 2 < this.maxWindowBytes[1 - side]!) transfer.windowLimitedShrunk++;
            bound = true;
          }
        }
        if (side === 0) this.clientWindowBound = bound;
      }
      this.lastDataMs[side] = t;
      this.lastDataFrame[side] = packet.record.frame;
      if (this.finMs[1 - side]! >= 0) {
        this.dataAfterPeerFin[side]++;
        if (isLoneTlsAlert(view)) {
          if (this.alertsAfterPeerFin[side] === 0) {
            this.firstAlertAfterPeerFinFrame[side] = packet.record.frame;
          }
          this.alertsAfterPeerFin[side]++;
        }
      }
    }
    if ((flags & TcpFlag.FIN) !== 0 && this.finMs[side]! < 0) {
      this.finMs[side] = t;
      this.finFrame[side] = packet.record.frame;
    }
  }

  /**
   * The receive window `side` last advertised, in bytes; -1 when its scale is unknown (a SYN
   * missed) or it advertised nothing yet.
   */
  scaledWindow(side: number): number {
    const raw = this.lastWindow[side]!;
    if (raw < 0 || !this.synSeen[0] || !this.synSeen[1]) return -1;
    const scaling = this.windowScale[0]! >= 0 && this.windowScale[1]! >= 0;
    return scaling ? raw << Math.min(14, this.windowScale[side]!) : raw;
  }

  /**
   * A SYN the capture holds twice (the same IP ID as the SYN before: one packet seen on two
   * interfaces or VLANs), not a retransmission: a resent SYN is a new IP datagram.
   */
  isDuplicateSyn(packet: PassPacket): boolean {
    const ipId = packet.view.ipId;
    return this.synCount > 0 && ipId >= 0 && ipId === this.lastSynIpId;
  }

  /** True when every byte `side` sent has been acknowledged by the other side. */
  allAcked(side: number): boolean {
    const peer = 1 - side;
    return (
      !this.hasSeq[side] || (this.hasAck[peer]! && !seqGt(this.seqEnd[side]!, this.lastAck[peer]!))
    );
  }

  noteExchange(id: number, failed = false, startMs = Number.NaN, endMs = Number.NaN): void {
    if (startMs < this.exchangesFromMs || Number.isNaN(this.exchangesFromMs)) {
      this.exchangesFromMs = startMs;
    }
    if (endMs > this.exchangesToMs || Number.isNaN(this.exchangesToMs)) this.exchangesToMs = endMs;
    this.exchanges++;
    if (this.exchangeIds.length < TRACK_EXCHANGES_KEPT) this.exchangeIds.push(id);
    if (failed) this.failedExchanges++;
  }
}

/** The live tracks, by tcp.stream. */
export class ConnectionTracks {
  private readonly byConnection = new Map<number, ConnectionTrack>();
  private readonly slotCount: number;
  private last: ConnectionTrack | undefined = undefined;

  constructor(slotCount: number) {
    this.slotCount = slotCount;
  }

  get size(): number {
    return this.byConnection.size;
  }

  /** The connection's track, created on its first packet. */
  track(connection: number): ConnectionTrack {
    // Packets come in runs of one connection: the last track answers most lookups.
    const last = this.last;
    if (last !== undefined && last.connection === connection) return last;
    let track = this.byConnection.get(connection);
    if (track === undefined) {
      track = new ConnectionTrack(connection, this.slotCount);
      this.byConnection.set(connection, track);
    }
    this.last = track;
    return track;
  }

  find(connection: number): ConnectionTrack | undefined {
    return this.byConnection.get(connection);
  }

  release(connection: number): void {
    this.byConnection.delete(connection);
    if (this.last?.connection === connection) this.last = undefined;
  }
}
