/**
 * Lab: a path-MTU black hole. The router's link toward the client has an MTU of LINK_MTU (a
 * tunnel, a VPN, PPPoE) while both ends have 1500, so the client advertises MSS 1460 and the
 * server sends full-size 1500-byte datagrams with DF set (Linux path-MTU discovery,
 * ip_no_pmtu_disc = 0). The router cannot forward them and answers each with ICMP
 * "fragmentation needed" (type 3 code 4, RFC 1191 §4), which its own firewall drops: the server
 * never learns the path's MTU and resends the same full-size segment on its retransmission timer
 * (RFC 6298), while the response head and the body's short last segment get through
 * (RFC 2923 §2.1, "PMTUD black hole"). The client gives up at its timeout.
 */
import http from "node:http";
import { TcpFlag } from "../../decode/types.ts";
import { fromPort, ms, serverPort, toPort, withPayload } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import type { LabPacket } from "../lab-packet.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import { runIn, setSysctl } from "../netns.ts";
import type { Lab } from "../types.ts";
import { retransmissions } from "./packet-loss.ts";

/** The router's link toward the client: 100 bytes under Ethernet's 1500. */
const LINK_MTU = 1400;
/** Four full-size segments of body (1,448 bytes each with timestamps) and a last one of 608 that fits the link. */
const BODY_BYTES = 6400;
/** The client's idle timeout: it gives up this long after the last byte it could read. */
const CLIENT_TIMEOUT_MS = 3000;
/** The handler sends the head, then the body this much later: the head is its own segment. */
const HEAD_TO_BODY_MS = 20;

export const pathMtuBlackHole: Lab = {
  name: "path-mtu-black-hole",
  title:
    "a 1400-byte link whose router drops its own ICMP frag-needed: the head arrives, full-size segments never do",
  layer: "network",
  kind: "path-mtu-black-hole",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes:
    "at the server (the sender); the client gives up after 3 s idle; cost = first full-size segment -> the client's FIN (it gave up)",
  lesson: `Both ends have Ethernet's 1500-byte MTU, but the router's link toward the client carries only ${LINK_MTU}
bytes (a tunnel, VPN or PPPoE link does this). The server sends full-size segments with DF
set; the router drops each and answers with ICMP "fragmentation needed", which a firewall rule
on the router drops in turn (ICMP filtered "for security" is the usual cause).
At each layer:
- network: forwards every packet that fits (the handshake, the request, the response head, the
  body's short last segment) and silently loses every packet that does not.
- server OS: never hears of the smaller MTU, so it resends the same full-size segment on its
  retransmission timer (200 ms, 400 ms, 800 ms, ...): the ACK never moves past it.
- client OS: ACKs the head, SACKs the short last segment, waits for the hole to fill.
- client app: got the headers, then nothing; its ${CLIENT_TIMEOUT_MS / 1000} s timeout fires.
How to recognise it: small segments get through and full-size ones never do, resent again and
again at the same size, with no ICMP "fragmentation needed" reaching the sender. Let ICMP type 3
code 4 (ICMPv6 "packet too big") through, clamp the MSS on the tunnel (iptables TCPMSS
--clamp-mss-to-pmtu), or enable packetization-layer PMTUD (net.ipv4.tcp_mtu_probing=1, RFC 4821).`,

  // The first full-size segment's first send -> the client's FIN when it gave up.
  expectedCost(packets) {
    const port = serverPort(packets);
    const full = fullSize(withPayload(fromPort(packets, port)));
    const fin = toPort(packets, port).find((p) => (p.flags & TcpFlag.FIN) !== 0);
    const costMs = full[0] && fin ? fin.timeMs - full[0].timeMs : 0;
    return { costMs, toleranceMs: Math.max(100, 0.1 * costMs) };
  },

  async run(ctx) {
    const path = await ctx.routed({ oneWayDelayMs: 0 });
    runIn(path.router, "ip", ["link", "set", path.routerClientDevice, "mtu", String(LINK_MTU)]);
    // The router's own "fragmentation needed" answers leave through its OUTPUT chain.
    runIn(path.router, "iptables", [
      "-A",
      "OUTPUT",
      "-p",
      "icmp",
      "--icmp-type",
      "fragmentation-needed",
      "-j",
      "DROP",
    ]);
    // Path-MTU discovery on (DF set), and no packetization-layer probing that would recover.
    setSysctl(path.server.netns!, "net.ipv4.ip_no_pmtu_disc", "0");
    setSysctl(path.server.netns!, "net.ipv4.tcp_mtu_probing", "0");
    const server = ctx.agent("server", path.server, { host: path.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(path.server, `tcp port ${port} or icmp`, 200);
    const client = ctx.agent("client", path.client, { host: path.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("linkMtu", LINK_MTU);
    ctx.fact("clientTimeoutMs", CLIENT_TIMEOUT_MS);
    ctx.fact("clientError", String(result.errorCode));
    ctx.fact("bodyBytesReceived", Number(result.bodyBytes));
    const dropped = runIn(path.router, "iptables", ["-L", "OUTPUT", "-v", "-x", "-n"]);
    const count = /^\s*(\d+)\s+\d+\s+DROP/m.exec(dropped);
    ctx.fact("icmpDroppedByRouter", count ? Number(count[1]) : -1);
  },

  check(packets, facts) {
    const port = serverPort(packets);
    const sent = withPayload(fromPort(packets, port));
    const full = fullSize(sent);
    const small = sent.filter((p) => p.wireLenBytes <= LINK_MTU + 14);
    const resent = retransmissions(sent);
    const fullResent = resent.filter((p) => p.wireLenBytes > LINK_MTU + 14);
    const firstFull = full[0];
    // What the client acknowledged: nothing past the first full-size segment's start.
    const acks = toPort(packets, port).filter((p) => (p.flags & TcpFlag.ACK) !== 0);
    const highestAck = acks.reduce(
      (high, p) => Math.max(high, (p.ack - (sent[0]?.seq ?? 0)) >>> 0),
      0,
    );
    const firstFullStart = firstFull ? (firstFull.seq - (sent[0]?.seq ?? 0)) >>> 0 : -1;
    const icmp = packets.filter((p) => p.transport === "other");
    return [
      {
        name: "small segments got through: the client ACKed the response head",
        ok: small.length > 0 && firstFullStart > 0 && highestAck >= firstFullStart,
        detail: `${small.length} segments of ${[...new Set(small.map((p) => p.payloadLenBytes))].join(", ")} bytes; ACK up to byte ${highestAck}`,
      },
      {
        name: "full-size segments were resent again and again, never ACKed",
        ok: fullResent.length >= 2 && highestAck === firstFullStart,
        detail: `${full.length} full-size sends (${firstFull?.payloadLenBytes} bytes, ${firstFull?.wireLenBytes} on the wire), ${fullResent.length} of them resends (frames ${fullResent.map((p) => p.frame).join(", ")})`,
      },
      {
        name: "the router dropped its ICMP frag-needed; none reached the server",
        ok: Number(facts.icmpDroppedByRouter) > 0 && icmp.length === 0,
        detail: `${facts.icmpDroppedByRouter} dropped by the router, ${icmp.length} ICMP in the capture`,
      },
      {
        name: "the client gave up",
        ok: facts.clientError === "ETIMEDOUT",
        detail: `${facts.clientError} after ${ms(CLIENT_TIMEOUT_MS)} idle`,
      },
    ];
  },

  agents: {
    async server(params, io) {
      const body = Buffer.alloc(BODY_BYTES, 0x6d);
      const server = http.createServer((req, res) => {
        req.resume();
        res.setHeader("content-length", body.length);
        res.flushHeaders();
        setTimeout(() => res.end(body), HEAD_TO_BODY_MS);
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const outcome = await httpRequest({
        host: String(params.host),
        port: Number(params.port),
        path: "/big",
        agent: false,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      return {
        errorCode: outcome.errorCode,
        bodyBytes: outcome.bodyBytes,
        elapsedMs: outcome.elapsedMs,
      };
    },
  },
};

/** Segments larger than the link's MTU (Ethernet header of 14 bytes on the server's side). */
function fullSize(sent: readonly LabPacket[]): LabPacket[] {
  return sent.filter((p) => p.wireLenBytes > LINK_MTU + 14);
}
