/**
 * Every diagnose rule, and the words of every finding kind. The order of RULES is the order the
 * rules see each event; it does not rank findings (compareFindings does: failures first, then
 * cost). docs/findings.md defines each kind.
 */
import type { FindingKind, RuleFactory } from "../rule.ts";
import { abortiveResetKind, abortiveResetRule } from "./abortive-reset.ts";
import { acceptQueueOverflowKind, acceptQueueOverflowRule } from "./accept-queue-overflow.ts";
import { bandwidthBottleneckKind, bandwidthBottleneckRule } from "./bandwidth-bottleneck.ts";
import { captureEndedKind, captureEndedRule } from "./capture-ended.ts";
import { clientThinkTimeKind, clientThinkTimeRule } from "./client-think-time.ts";
import { connectToRequestIdleKind, connectToRequestIdleRule } from "./connect-to-request-idle.ts";
import { connectionNotReusedKind, connectionNotReusedRule } from "./connection-not-reused.ts";
import { connectionRefusedKind, connectionRefusedRule } from "./connection-refused.ts";
import { dnsFailureKind, dnsFailureRule } from "./dns-failure.ts";
import { dnsSearchWalkKind, dnsSearchWalkRule } from "./dns-search-walk.ts";
import { highLatencyPathKind, highLatencyPathRule } from "./high-latency-path.ts";
import { httpServerErrorKind, httpServerErrorRule } from "./http-server-error.ts";
import { keepAliveReuseRaceKind, keepAliveReuseRaceRule } from "./keep-alive-reuse-race.ts";
import { middleboxResetKind, middleboxResetRule } from "./middlebox-reset.ts";
import { nagleDelayedAckKind, nagleDelayedAckRule } from "./nagle-delayed-ack.ts";
import { networkRoundTripsKind, networkRoundTripsRule } from "./network-round-trips.ts";
import { packetLossKind, packetLossRule } from "./packet-loss.ts";
import { pathMtuBlackHoleKind, pathMtuBlackHoleRule } from "./path-mtu-black-hole.ts";
import { portScanKind, portScanRule } from "./port-scan.ts";
import { receiveWindowLimitedKind, receiveWindowLimitedRule } from "./receive-window-limited.ts";
import { reorderingKind, reorderingRule } from "./reordering.ts";
import { resetStormKind, resetStormRule } from "./reset-storm.ts";
import { resetUnreadDataKind, resetUnreadDataRule } from "./reset-unread-data.ts";
import { serverThinkTimeKind, serverThinkTimeRule } from "./server-think-time.ts";
import { slowDnsKind, slowDnsRule } from "./slow-dns.ts";
import { slowRequestBodyKind, slowRequestBodyRule } from "./slow-request-body.ts";
import {
  pacedStreamKind,
  slowResponseBodyKind,
  slowResponseBodyRule,
} from "./slow-response-body.ts";
import { slowTlsHandshakeKind, slowTlsHandshakeRule } from "./slow-tls-handshake.ts";
import { synFloodKind, synFloodRule } from "./syn-flood.ts";
import { synUnansweredKind, synUnansweredRule } from "./syn-unanswered.ts";
import { tlsShutdownResetKind, tlsShutdownResetRule } from "./tls-shutdown-reset.ts";
import { zeroWindowKind, zeroWindowRule } from "./zero-window.ts";

export const RULES: readonly RuleFactory[] = [
  // Packets and connections: the handshake, then the transfer, then the end.
  acceptQueueOverflowRule,
  synUnansweredRule,
  // Before packet-loss: it decides which resends are a black hole's (ConnectionTrack.mtuHold).
  pathMtuBlackHoleRule,
  packetLossRule,
  reorderingRule,
  zeroWindowRule,
  nagleDelayedAckRule,
  slowTlsHandshakeRule,
  slowResponseBodyRule,
  slowRequestBodyRule,
  receiveWindowLimitedRule,
  bandwidthBottleneckRule,
  connectionRefusedRule,
  middleboxResetRule,
  tlsShutdownResetRule,
  keepAliveReuseRaceRule,
  resetUnreadDataRule,
  abortiveResetRule,
  // Exchanges.
  serverThinkTimeRule,
  httpServerErrorRule,
  clientThinkTimeRule,
  connectToRequestIdleRule,
  networkRoundTripsRule,
  highLatencyPathRule,
  connectionNotReusedRule,
  // DNS.
  slowDnsRule,
  dnsFailureRule,
  dnsSearchWalkRule,
  // What the capture's end cut short.
  captureEndedRule,
  // Floods: after the rules whose per-connection findings they stand for (finish() withdraws them).
  synFloodRule,
  portScanRule,
  resetStormRule,
];

export const FINDING_KINDS: readonly FindingKind[] = [
  networkRoundTripsKind,
  highLatencyPathKind,
  packetLossKind,
  pathMtuBlackHoleKind,
  reorderingKind,
  bandwidthBottleneckKind,
  synUnansweredKind,
  synFloodKind,
  portScanKind,
  receiveWindowLimitedKind,
  acceptQueueOverflowKind,
  connectionRefusedKind,
  resetUnreadDataKind,
  abortiveResetKind,
  resetStormKind,
  middleboxResetKind,
  keepAliveReuseRaceKind,
  tlsShutdownResetKind,
  serverThinkTimeKind,
  slowResponseBodyKind,
  pacedStreamKind,
  slowRequestBodyKind,
  clientThinkTimeKind,
  connectToRequestIdleKind,
  connectionNotReusedKind,
  zeroWindowKind,
  nagleDelayedAckKind,
  slowDnsKind,
  dnsFailureKind,
  dnsSearchWalkKind,
  slowTlsHandshakeKind,
  httpServerErrorKind,
  captureEndedKind,
];

export const FINDING_KIND_BY_NAME: ReadonlyMap<string, FindingKind> = new Map(
  FINDING_KINDS.map((kind) => [kind.kind, kind]),
);
