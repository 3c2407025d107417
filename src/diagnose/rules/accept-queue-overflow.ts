/**
 * accept-queue-overflow (server-os): the client's SYN went unanswered and was retried, then
 * answered, while other connections to the same server port were stuck the same way (or were
 * being answered meanwhile). A Linux listener whose accept queue is full (the app is not calling
 * accept(): a blocked event loop, too few workers, a listen backlog too small) drops incoming SYNs
 * and counts them in ListenOverflows/ListenDrops (net/ipv4/tcp_ipv4.c, tcp_conn_request); the
 * client resends its SYN on its retry schedule (since Linux 6.5 tcp_syn_linear_timeouts = 4 retries
 * 1 s apart, then exponential; 1, 3, 7, 15 s before) and connects only when the queue has room.
 *
 * Rule: a connection whose handshake completed after at least one SYN retransmission is an
 * overflow when another connection to the endpoint retried its SYN during the same wait, or the
 * endpoint answered another connection's SYN while this one waited (the host and path worked;
 * this listener was not taking connections). Otherwise the SYN was lost on the way: reported as
 * packet-loss (network). Cost: first SYN → the SYN/ACK.
 */

import { formatIp } from "../../decode/index.ts";
import { TcpFlag } from "../../decode/types.ts";
import type { PassPacket } from "../../exchange/types.ts";
import type { Layer } from "../../model/finding.ts";
import { ANY_RETRANSMISSION } from "../../tcp/flags.ts";
import { seqGt } from "../../tcp/seq32.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";
import { PACKET_LOSS } from "./packet-loss.ts";

export const ACCEPT_QUEUE_OVERFLOW = "accept-queue-overflow";

/** Retried SYNs remembered per endpoint to find simultaneous waits. */
export const RETRIED_SYNS_KEPT = 32;
/** Endpoints tracked; beyond it, new endpoints' SYN retries are judged on their own (as loss). */
export const SYN_ENDPOINTS_KEPT = 4096;

class EndpointSyns {
  /** [connection, firstSynMs, lastSynMs] of recent connections whose SYN was retried. */
  readonly retried = new Float64Array(RETRIED_SYNS_KEPT * 3);
  retriedNext = 0;
  retriedCount = 0;
  lastSynAckMs = -1;
  lastSynAckConnection = -1;
}

class SynState {
  endpoint: EndpointSyns | undefined;
  kind = "";
  layer: Layer = "network";
  costMs = 0;
  retries = 0;
  frames: number[] = [];
  /** The client's first data segment, and its resends while the listener was dropping it. */
  firstDataMs = -1;
  dataResends = 0;
  coveredUntilMs = -1;
}

export const acceptQueueOverflowKind: FindingKind = {
  kind: ACCEPT_QUEUE_OVERFLOW,
  costSeverityCap: "warning",
  confidence: 0.8,
  describe(group) {
    return {
      title: `Accept queue overflow: ${plural(group.count, "connection")} waited for the server to accept them, ${msText(group.costMs)} in all`,
      explanation: `The server's kernel dropped the clients' SYNs: the listening socket's accept queue was full because the application was not accepting connections fast enough (a blocked event loop, busy workers, or a small listen backlog). The clients resent their SYNs on their retry timers (${group.fact("synRetries")} retries on the worst, frames ${group.first.frames.join(", ")}) and connected only once the queue had room; several connections waited at the same time, which loss on the network would not do.`,
      advice:
        "On the server: watch `nstat -az TcpExtListenOverflows TcpExtListenDrops` and `ss -ltn` (Recv-Q vs Send-Q of the listener); raise the listen backlog (listen(fd, N), net.core.somaxconn), accept faster (do not block the thread/event loop that accepts), or add workers.",
    };
  },
};

export const acceptQueueOverflowRule: RuleFactory = (context: RuleContext) => {
  const endpoints = new Map<string, EndpointSyns>();
  return {
    onPacket(packet: PassPacket, track: ConnectionTrack): void {
      const view = packet.view;
      const flags = view.tcpFlags;
      if ((flags & TcpFlag.SYN) === 0) {
        if (!track.dataDroppedByListener) return;
        const dropping = track.slots[context.slot] as SynState | undefined;
        if (dropping !== undefined) droppedData(packet, track, dropping);
        return;
      }
      let state = track.slots[context.slot] as SynState | undefined;
      if ((flags & TcpFlag.ACK) === 0) {
        if (state === undefined) {
          state = new SynState();
          track.slots[context.slot] = state;
          const key = `${formatIp(view.bytes, view.ipDstOffset, view.ipVersion)} ${view.dstPort}`;
          let endpoint = endpoints.get(key);
          if (endpoint === undefined && endpoints.size < SYN_ENDPOINTS_KEPT) {
            endpoint = new EndpointSyns();
            endpoints.set(key, endpoint);
          }
          state.endpoint = endpoint;
        }
        if (track.synCount >= 1 && state.endpoint !== undefined && !track.isDuplicateSyn(packet)) {
          noteRetry(state.endpoint, track.connection, track.firstSynMs, packet.timeMs);
        }
        return;
      }
      // The SYN/ACK.
      if (state === undefined || track.synAckMs >= 0) return;
      const endpoint = state.endpoint;
      if (track.synCount > 1) {
        const overflow =
          endpoint !== undefined &&
          (waitedTogether(endpoint, track.connection, track.firstSynMs, packet.timeMs) ||
            (endpoint.lastSynAckMs >= track.firstSynMs &&
              endpoint.lastSynAckConnection !== track.connection));
        state.kind = overflow ? ACCEPT_QUEUE_OVERFLOW : PACKET_LOSS;
        state.layer = overflow ? "server-os" : "network";
        state.costMs = packet.timeMs - track.firstSynMs;
        state.retries = track.synCount - 1;
        state.frames = [track.firstSynFrame, track.lastSynFrame, packet.record.frame];
        if (overflow) track.dataDroppedByListener = true;
        context.intervals.add(
          track.connection,
          track.firstSynMs,
          packet.timeMs,
          state.layer,
          state.kind,
        );
      }
      if (endpoint !== undefined) {
        endpoint.lastSynAckMs = packet.timeMs;
        endpoint.lastSynAckConnection = track.connection;
      }
    },
    onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
      const state = track?.slots[context.slot] as SynState | undefined;
      if (state === undefined || state.kind === "") return;
      context.sink.add({
        kind: state.kind,
        layer: state.layer,
        severity: severityForCost(state.costMs, false),
        count: 1,
        costMs: state.costMs,
        endpoint: endpointText(summary.server),
        frames: state.frames,
        connection: summary.stream,
        exchange: -1,
        facts:
          state.kind === PACKET_LOSS
            ? { lost: "SYN", synRetries: state.retries, worstMs: roundMs(state.costMs) }
            : {
                synRetries: state.retries,
                dataResends: state.dataResends,
                waitMs: roundMs(state.costMs),
              },
      });
    },
  };
};

function noteRetry(
  endpoint: EndpointSyns,
  connection: number,
  firstMs: number,
  nowMs: number,
): void {
  const r = endpoint.retried;
  for (let i = 0; i < endpoint.retriedCount; i++) {
    if (r[i * 3] === connection) {
      r[i * 3 + 2] = nowMs;
      return;
    }
  }
  const at = endpoint.retriedNext * 3;
  r[at] = connection;
  r[at + 1] = firstMs;
  r[at + 2] = nowMs;
  endpoint.retriedNext = (endpoint.retriedNext + 1) % RETRIED_SYNS_KEPT;
  if (endpoint.retriedCount < RETRIED_SYNS_KEPT) endpoint.retriedCount++;
}

/** Another connection's SYN retries overlapped [fromMs, toMs]. */
function waitedTogether(
  endpoint: EndpointSyns,
  connection: number,
  fromMs: number,
  toMs: number,
): boolean {
  const r = endpoint.retried;
  for (let i = 0; i < endpoint.retriedCount; i++) {
    if (r[i * 3] === connection) continue;
    if (r[i * 3 + 1]! <= toMs && r[i * 3 + 2]! >= fromMs) return true;
  }
  return false;
}

/**
 * After an overflow, the handshake's last ACK can be dropped too (the queue still full when it
 * arrives, tcp_check_req): the client believes it is connected and sends its request, which the
 * server's listener drops until the socket is accepted. The client's resends of that first data
 * are the queue's doing; they end when the server acknowledges client data.
 */
function droppedData(packet: PassPacket, track: ConnectionTrack, state: SynState): void {
  const view = packet.view;
  if (!packet.fromClient) {
    if (
      (view.tcpFlags & TcpFlag.ACK) !== 0 &&
      track.hasAck[1] &&
      seqGt(view.tcpAck, track.lastAck[1]!)
    ) {
      track.dataDroppedByListener = false;
    }
    return;
  }
  if (view.payloadLenBytes <= 0) return;
  const t = packet.timeMs;
  if ((packet.flags & ANY_RETRANSMISSION) === 0) {
    if (state.firstDataMs < 0) state.firstDataMs = t;
    return;
  }
  if (state.firstDataMs < 0) return;
  state.dataResends++;
  const from = Math.max(state.firstDataMs, state.coveredUntilMs);
  if (t > from) state.costMs += t - from;
  if (t > state.coveredUntilMs) state.coveredUntilMs = t;
  if (state.frames.length < 5) state.frames.push(packet.record.frame);
}
