/**
 * Lab: slow DNS. The client resolves a name through a local DNS server (UDP port 53 in the lab's
 * own namespace) that answers DNS_DELAY_MS late, then makes a fast HTTP request: the resolution
 * dominates the request's time, before any TCP packet is sent.
 */
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import http from "node:http";
import { coversTimer, ms, serverPort, syns } from "../capture-queries.ts";
import { httpRequest } from "../http-request.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

const DNS_DELAY_MS = 400;
const DNS_PORT = 53;
const NAME = "api.lab.test";

export const slowDns: Lab = {
  name: "slow-dns",
  title: "a DNS server that answers 400 ms late: resolution dominates the request",
  layer: "dns",
  kind: "slow-dns",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes: "loopback; cost = DNS query -> response",
  lesson: `The client looks up ${NAME} before connecting. Its DNS server takes ${DNS_DELAY_MS} ms to answer (a
distant or overloaded resolver, a cache miss that recurses far, a lost first query retried).
At each layer:
- dns: ${DNS_DELAY_MS} ms between the query and the response; nothing else can start before it.
- network, server OS, server app: the HTTP request that follows takes about a millisecond.
- client app: sees a slow request, though the server is fast; most HTTP timers (and APM spans
  that start at connect) do not include the lookup, so it goes unseen.
How to recognise it: a DNS query and its answer right before the SYN, with a gap between them
that is most of the request's time; retries of the same query ID or name show lost queries.
curl shows it as time_namelookup. Use a closer or caching resolver (nscd, systemd-resolved, a
sidecar cache), reuse connections, or cache lookups in the app.`,
  expectedCost: () => ({ costMs: DNS_DELAY_MS, toleranceMs: 0.2 * DNS_DELAY_MS }),

  async run(ctx) {
    const where = ctx.loopback();
    const dns = ctx.agent("dns", where.server, { host: where.server.address });
    await dns.waitFor("ready", 5000);
    const server = ctx.agent("server", where.server, { host: where.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(where.client, `udp port ${DNS_PORT} or tcp port ${port}`, 512);
    const client = ctx.agent("client", where.client, { dnsHost: where.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("dnsDelayMs", DNS_DELAY_MS);
    ctx.fact("lookupMs", Math.round(Number(result.lookupMs)));
    ctx.fact("requestMs", Math.round(Number(result.requestMs)));
  },

  check(packets) {
    const queries = packets.filter((p) => p.transport === "udp" && p.dstPort === DNS_PORT);
    const answers = packets.filter((p) => p.transport === "udp" && p.srcPort === DNS_PORT);
    const query = queries[0];
    const answer = answers[0];
    const syn = syns(packets)[0];
    const last = packets[packets.length - 1];
    const dnsMs = query && answer ? answer.timeMs - query.timeMs : Number.NaN;
    const httpMs = syn && last ? last.timeMs - syn.timeMs : Number.NaN;
    return [
      {
        name: "one DNS query and its answer, before the connection",
        ok:
          queries.length >= 1 &&
          answers.length >= 1 &&
          syn !== undefined &&
          answer!.frame < syn.frame,
        detail: `${queries.length} queries, ${answers.length} answers, SYN at frame ${syn?.frame}`,
      },
      {
        name: `the answer waits out the DNS server's ${DNS_DELAY_MS} ms timer`,
        ok: coversTimer(dnsMs, DNS_DELAY_MS) && dnsMs < DNS_DELAY_MS * 1.5,
        detail: ms(dnsMs),
      },
      {
        name: "the HTTP exchange itself is fast",
        ok: httpMs < DNS_DELAY_MS / 4 && serverPort(packets) > 0,
        detail: ms(httpMs),
      },
    ];
  },

  agents: {
    async dns(params, io) {
      const socket = dgram.createSocket("udp4");
      socket.on("message", (query, from) => {
        setTimeout(
          () => socket.send(answerA(query, [127, 0, 0, 1]), from.port, from.address),
          DNS_DELAY_MS,
        );
      });
      await new Promise<void>((resolve) => socket.bind(DNS_PORT, String(params.host), resolve));
      io.emit("ready", { port: DNS_PORT });
      return forever();
    },

    async server(params, io) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end("fast\n"));
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const resolver = new Resolver({ timeout: 3000, tries: 1 });
      resolver.setServers([String(params.dnsHost)]);
      const started = performance.now();
      const [address] = await resolver.resolve4(NAME);
      const lookupMs = performance.now() - started;
      const outcome = await httpRequest({
        host: String(address),
        port: Number(params.port),
        headers: { host: NAME },
        agent: false,
        timeoutMs: 5000,
      });
      if (!outcome.ok) throw new Error(`request failed: ${outcome.errorCode}`);
      return { lookupMs, requestMs: outcome.elapsedMs };
    },
  },
};

/**
 * A DNS response (RFC 1035 §4.1) to a one-question query: the query's header and question, then
 * one A record pointing back at the question's name (compression pointer 0xC00C).
 */
function answerA(query: Buffer, address: readonly number[]): Buffer {
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end]! + 1;
  end += 5; // the root label, QTYPE, QCLASS
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2); // response, recursion desired and available, NOERROR
  header.writeUInt16BE(1, 6); // ANCOUNT
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address]);
  return Buffer.concat([header, query.subarray(12, end), record]);
}
