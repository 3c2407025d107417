/**
 * Every lab, in the order `wirewhy lab list` shows them: from the simplest cause to the hardest
 * to set up. One file per lab under labs/.
 */
import { abortiveReset } from "./labs/abortive-reset.ts";
import { acceptQueueOverflow } from "./labs/accept-queue-overflow.ts";
import { bandwidthBottleneck } from "./labs/bandwidth-bottleneck.ts";
import { clientCertificateWait } from "./labs/client-certificate-wait.ts";
import { connectThenWait } from "./labs/connect-then-wait.ts";
import { connectionRefused } from "./labs/connection-refused.ts";
import { dnsSearchWalk } from "./labs/dns-search-walk.ts";
import { keepAliveReuseRace } from "./labs/keep-alive-reuse-race.ts";
import { lineProtocolThinkTime } from "./labs/line-protocol-think-time.ts";
import { nagleDelayedAck } from "./labs/nagle-delayed-ack.ts";
import { packetLoss } from "./labs/packet-loss.ts";
import { pathMtuBlackHole } from "./labs/path-mtu-black-hole.ts";
import { receiveWindowLimited } from "./labs/receive-window-limited.ts";
import { resetUnreadData } from "./labs/reset-unread-data.ts";
import { serverPushStream } from "./labs/server-push-stream.ts";
import { serverThinkTime } from "./labs/server-think-time.ts";
import { slowDns } from "./labs/slow-dns.ts";
import { slowReader } from "./labs/slow-reader.ts";
import { slowTlsHandshake } from "./labs/slow-tls-handshake.ts";
import { synUnanswered } from "./labs/syn-unanswered.ts";
import { tlsShutdownReset } from "./labs/tls-shutdown-reset.ts";
import { zeroWindowClient } from "./labs/zero-window-client.ts";
import { zeroWindowServer } from "./labs/zero-window-server.ts";
import type { Lab } from "./types.ts";

export const LABS: readonly Lab[] = [
  serverThinkTime,
  acceptQueueOverflow,
  connectionRefused,
  resetUnreadData,
  abortiveReset,
  nagleDelayedAck,
  zeroWindowClient,
  zeroWindowServer,
  keepAliveReuseRace,
  packetLoss,
  bandwidthBottleneck,
  synUnanswered,
  slowDns,
  slowTlsHandshake,
  receiveWindowLimited,
  slowReader,
  serverPushStream,
  connectThenWait,
  pathMtuBlackHole,
  dnsSearchWalk,
  tlsShutdownReset,
  lineProtocolThinkTime,
  clientCertificateWait,
];

export function findLab(name: string): Lab | undefined {
  return LABS.find((lab) => lab.name === name);
}
