/**
 * Lab: a DNS search-list walk. The client resolves a name with fewer dots than resolv.conf's
 * `ndots` (here 5, Kubernetes' default), so like glibc (resolv.conf(5), "ndots") it tries the name
 * with each search domain appended first, and the name itself only after all of them failed. The
 * DNS server (UDP port 53 in the lab's own namespace) takes NXDOMAIN_DELAY_MS to say NXDOMAIN to
 * each suffixed name and answers the bare name at once: the request waits on the whole walk.
 */
import dgram from "node:dgram";
import http from "node:http";
import { coversTimer, ms, syns } from "../capture-queries.ts";
import { dnsAnswer, dnsQuery, questionOf, RCODE_NXDOMAIN, readAnswer } from "../dns-wire.ts";
import { httpRequest } from "../http-request.ts";
import type { LabPacket } from "../lab-packet.ts";
import { forever, listenOnFreePort } from "../listen.ts";
import type { Lab } from "../types.ts";

/** A resolver a little way off: each miss costs a round trip to it and its own lookup. */
const NXDOMAIN_DELAY_MS = 40;
const DNS_PORT = 53;
/** Two dots: under ndots, so the search domains are tried first. */
const NAME = "api.example.test";
/** Kubernetes' search list for a pod in namespace "default", and its ndots. */
const SEARCH = ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"];
const NDOTS = 5;
const QUERY_TIMEOUT_MS = 2000;

export const dnsSearchWalk: Lab = {
  name: "dns-search-walk",
  title:
    "a name under ndots:5 walks a 3-domain search list: three NXDOMAINs, 40 ms each, before it resolves",
  layer: "dns",
  kind: "dns-search-walk",
  needsRoot: true,
  timeLimitMs: 15_000,
  captureNotes: "loopback; cost = first query -> the query of the name that resolved",
  lesson: `The client looks up ${NAME} with resolv.conf's "search ${SEARCH.join(" ")}" and
"options ndots:${NDOTS}" (what every Kubernetes pod gets). The name has 2 dots, fewer than ${NDOTS}, so the
resolver treats it as relative and tries ${NAME}.${SEARCH[0]} and the other search domains
first; each comes back NXDOMAIN after ${NXDOMAIN_DELAY_MS} ms. Only then does it ask for ${NAME} itself.
At each layer:
- dns: ${SEARCH.length} lookups that cannot succeed, one after the other, before the one that can.
- client app: sees one slow lookup; getaddrinfo() hides the walk (and with A and AAAA, glibc
  sends two queries per name).
- network, server: the HTTP request that follows is fast.
How to recognise it: NXDOMAIN answers for the name with suffixes appended, in a row, then the
bare name resolving; the sum of the misses is what every uncached lookup of that name pays.
Write the name fully qualified with a trailing dot ("${NAME}."), lower ndots (ndots:1 or 2
in the pod's dnsConfig), or trim the search list; a local cache (nscd, NodeLocal DNSCache)
absorbs the misses.`,

  expectedCost(packets) {
    const queries = dnsQueries(packets);
    const bare = queries.find((q) => questionOf(Buffer.from(q.payload)).name === NAME);
    const costMs = queries[0] && bare ? bare.timeMs - queries[0].timeMs : 0;
    return { costMs, toleranceMs: Math.max(20, 0.2 * costMs) };
  },

  async run(ctx) {
    const where = ctx.loopback();
    const dns = ctx.agent("dns", where.server, { host: where.server.address });
    await dns.waitFor("ready", 5000);
    const server = ctx.agent("server", where.server, { host: where.server.address });
    const { port } = await server.waitFor("ready", 5000);
    await ctx.startCapture(where.client, `udp port ${DNS_PORT} or tcp port ${port}`, 512);
    const client = ctx.agent("client", where.client, { dnsHost: where.server.address, port });
    const result = await client.result(ctx.remainingMs());
    ctx.fact("nxdomainDelayMs", NXDOMAIN_DELAY_MS);
    ctx.fact("searchDomains", SEARCH.length);
    ctx.fact("namesTried", String(result.tried));
    ctx.fact("lookupMs", Math.round(Number(result.lookupMs)));
    ctx.fact("requestMs", Math.round(Number(result.requestMs)));
  },

  check(packets) {
    const queries = dnsQueries(packets);
    const answers = packets.filter((p) => p.transport === "udp" && p.srcPort === DNS_PORT);
    const asked = queries.map((q) => questionOf(Buffer.from(q.payload)).name);
    const read = answers.map((a) => readAnswer(Buffer.from(a.payload)));
    const misses = read.filter((a) => a.rcode === RCODE_NXDOMAIN).length;
    const waits = queries.map((q, i) => (answers[i] ? answers[i]!.timeMs - q.timeMs : Number.NaN));
    const syn = syns(packets)[0];
    const last = answers[answers.length - 1];
    return [
      {
        name: `the resolver tried the ${SEARCH.length} search domains before the name itself`,
        ok: asked.join(" ") === [...SEARCH.map((s) => `${NAME}.${s}`), NAME].join(" "),
        detail: asked.join(", "),
      },
      {
        name: `each suffixed name answered NXDOMAIN after the server's ${NXDOMAIN_DELAY_MS} ms, the name itself at once`,
        ok:
          misses === SEARCH.length &&
          read[SEARCH.length]?.address === "127.0.0.1" &&
          waits.slice(0, SEARCH.length).every((w) => coversTimer(w, NXDOMAIN_DELAY_MS)) &&
          waits[SEARCH.length]! < NXDOMAIN_DELAY_MS / 2,
        detail: `${misses} NXDOMAIN; answers after ${waits.map(ms).join(", ")}`,
      },
      {
        name: "the HTTP request starts after the walk",
        ok: syn !== undefined && last !== undefined && last.frame < syn.frame,
        detail: `SYN at frame ${syn?.frame}, last DNS answer at frame ${last?.frame}`,
      },
    ];
  },

  agents: {
    async dns(params, io) {
      const socket = dgram.createSocket("udp4");
      socket.on("message", (query, from) => {
        const reply = (message: Buffer) => socket.send(message, from.port, from.address);
        if (questionOf(query).name === NAME) reply(dnsAnswer(query, [127, 0, 0, 1]));
        else
          setTimeout(() => reply(dnsAnswer(query, { rcode: RCODE_NXDOMAIN })), NXDOMAIN_DELAY_MS);
      });
      await new Promise<void>((resolve) => socket.bind(DNS_PORT, String(params.host), resolve));
      io.emit("ready", { port: DNS_PORT });
      return forever();
    },

    async server(params, io) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end("found\n"));
      });
      io.emit("ready", { port: await listenOnFreePort(server, { host: String(params.host) }) });
      return forever();
    },

    async client(params) {
      const started = performance.now();
      const { address, tried } = await resolveWithSearch(NAME, String(params.dnsHost));
      const lookupMs = performance.now() - started;
      const outcome = await httpRequest({
        host: address,
        port: Number(params.port),
        headers: { host: NAME },
        agent: false,
        timeoutMs: 5000,
      });
      if (!outcome.ok) throw new Error(`request failed: ${outcome.errorCode}`);
      return { lookupMs, requestMs: outcome.elapsedMs, tried: tried.join(",") };
    },
  },
};

/**
 * glibc's order (res_search, resolv.conf(5)): a name with fewer than NDOTS dots and no trailing
 * dot is tried with each search domain appended first, then as it is; a trailing dot means only
 * as it is. One query at a time, each waiting for its answer.
 */
async function resolveWithSearch(
  name: string,
  server: string,
): Promise<{ address: string; tried: string[] }> {
  const absolute = name.endsWith(".");
  const bare = absolute ? name.slice(0, -1) : name;
  const dots = bare.split(".").length - 1;
  const candidates =
    absolute || dots >= NDOTS ? [bare] : [...SEARCH.map((s) => `${bare}.${s}`), bare];
  const socket = dgram.createSocket("udp4");
  const tried: string[] = [];
  try {
    for (const [i, candidate] of candidates.entries()) {
      tried.push(candidate);
      const answer = await ask(socket, server, 0x4000 + i, candidate);
      if (answer.rcode === 0 && answer.address !== "") return { address: answer.address, tried };
    }
  } finally {
    socket.close();
  }
  throw new Error(`${name}: not found (${tried.join(", ")})`);
}

function ask(
  socket: dgram.Socket,
  server: string,
  id: number,
  name: string,
): Promise<ReturnType<typeof readAnswer>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off("message", onMessage);
      reject(new Error(`no answer for ${name}`));
    }, QUERY_TIMEOUT_MS);
    const onMessage = (message: Buffer) => {
      const answer = readAnswer(message);
      if (answer.id !== id) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      resolve(answer);
    };
    socket.on("message", onMessage);
    socket.send(dnsQuery(id, name), DNS_PORT, server);
  });
}

function dnsQueries(packets: readonly LabPacket[]): LabPacket[] {
  return packets.filter((p) => p.transport === "udp" && p.dstPort === DNS_PORT);
}
