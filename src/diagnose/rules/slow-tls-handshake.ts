/**
 * slow-tls-handshake (server-app): the server took long to answer the ClientHello with its
 * ServerHello (RFC 8446 §4.1.3; RFC 5246 §7.4.1.3): certificate selection (an SNI callback),
 * session-cache or key-store lookups, the signature, or a TLS terminator's queue. The client
 * waits idle meanwhile.
 *
 * Rule: the first client record is a handshake record (content type 22, RFC 8446 §5.1) holding a
 * ClientHello (handshake type 1, §4) and the first server record a ServerHello (type 2). The
 * server's time is ServerHello − ClientHello minus the capture point's round trip to the server
 * (SYN → SYN/ACK, ~0 at the server), so the network is not charged to the server; a resent
 * ClientHello counts from its last copy (loss is packet-loss's). Reported from
 * SLOW_TLS_SERVER_MIN_MS.
 */
import type { PassPacket } from "../../exchange/types.ts";
import { ANY_RETRANSMISSION } from "../../tcp/flags.ts";
import type { ConnectionSummary } from "../../tcp/types.ts";
import type { ConnectionTrack } from "../connection-track.ts";
import { endpointText } from "../endpoint-text.ts";
import { msText, plural, roundMs } from "../ms-text.ts";
import type { FindingKind, RuleContext, RuleFactory } from "../rule.ts";
import { severityForCost } from "../severity.ts";

export const SLOW_TLS_HANDSHAKE = "slow-tls-handshake";

/**
 * A server's part of a full TLS handshake is one signature and one key exchange: about a
 * millisecond on a current core (`openssl speed rsa2048 ecdhx25519`). 50 ms leaves room for a
 * loaded terminator and still catches a server that does slow work before answering.
 */
export const SLOW_TLS_SERVER_MIN_MS = 50;

const TLS_HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;

class TlsState {
  /** Both first records were seen (or one was not TLS): nothing more to look at. */
  done = false;
  clientHelloMs = -1;
  clientHelloFrame = 0;
  serverMs = 0;
  frames: number[] = [];
  found = false;
}

export const slowTlsHandshakeKind: FindingKind = {
  kind: SLOW_TLS_HANDSHAKE,
  vantageDependent: true,
  costSeverityCap: "warning",
  perRequest: true,
  confidence: 0.85,
  describe(group) {
    return {
      title: `Slow TLS handshake: the server took ${msText(group.fact("serverMs"))} to answer a ClientHello (${plural(group.count, "handshake")}, ${msText(group.costMs)} in all)`,
      explanation: `Between the client's ClientHello and the server's ServerHello (frames ${group.first.frames.join(", ")}) the server spent ${msText(group.fact("serverMs"))}, the network round trip taken out. Answering a ClientHello takes the server about a millisecond of cryptography; the rest is work the TLS server did before answering: choosing a certificate (an SNI callback), looking up sessions or keys, or waiting in a busy terminator's queue.`,
      advice:
        "Profile the TLS termination: SNI/certificate callbacks, OCSP or key-store calls made during the handshake, the terminator's CPU and worker queue; enable session resumption (tickets, TLS 1.3 PSK) so returning clients skip the full handshake.",
    };
  },
};

export const slowTlsHandshakeRule: RuleFactory = (context: RuleContext) => ({
  onDataPacket(packet: PassPacket, track: ConnectionTrack): void {
    const view = packet.view;
    if (view.payloadLenBytes <= 0) return;
    let state = track.slots[context.slot] as TlsState | undefined;
    if (state === undefined) {
      state = new TlsState();
      track.slots[context.slot] = state;
    }
    if (state.done) return;
    const at = view.payloadOffset;
    const isHello = view.payloadCapturedBytes >= 6 && view.bytes[at] === TLS_HANDSHAKE_RECORD;
    const type = isHello ? view.bytes[at + 5] : -1;
    if (packet.fromClient) {
      if (state.clientHelloMs >= 0 && (packet.flags & ANY_RETRANSMISSION) !== 0) {
        // The ClientHello was resent: the server can only answer the copy that reached it.
        state.clientHelloMs = packet.timeMs;
        state.clientHelloFrame = packet.record.frame;
        return;
      }
      if (state.clientHelloMs < 0) {
        if (type !== CLIENT_HELLO) {
          state.done = true;
          return;
        }
        state.clientHelloMs = packet.timeMs;
        state.clientHelloFrame = packet.record.frame;
      }
      return;
    }
    state.done = true;
    if (state.clientHelloMs < 0 || type !== SERVER_HELLO) return;
    const serverMs = packet.timeMs - state.clientHelloMs - track.roundTripMs(1);
    if (serverMs < SLOW_TLS_SERVER_MIN_MS) return;
    state.found = true;
    state.serverMs = serverMs;
    state.frames = [state.clientHelloFrame, packet.record.frame];
    context.intervals.add(
      track.connection,
      packet.timeMs - serverMs,
      packet.timeMs,
      "server-app",
      SLOW_TLS_HANDSHAKE,
    );
  },
  onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
    const state = track?.slots[context.slot] as TlsState | undefined;
    if (state === undefined || !state.found) return;
    context.sink.add({
      kind: SLOW_TLS_HANDSHAKE,
      layer: "server-app",
      severity: severityForCost(state.serverMs, false),
      count: 1,
      costMs: state.serverMs,
      endpoint: endpointText(summary.server),
      frames: state.frames,
      connection: summary.stream,
      exchange: -1,
      facts: { serverMs: roundMs(state.serverMs) },
    });
  },
});
