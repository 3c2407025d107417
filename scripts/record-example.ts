/**
 * Records examples/slow-endpoint.pcap, the capture `npm start` analyzes. Inside a network
 * namespace of its own (loopback at the Ethernet MTU of 1500 with segmentation offloads off, so the
 * segments look like a real network's rather than loopback's 64 KiB ones) a Node HTTP server
 * answers one keep-alive client's 20 requests; GET /api/report waits 300 ms in its handler before
 * answering (3 of the 20 requests), the others answer at once. Then the client tries the
 * metrics port, where nothing listens, and the kernel answers its SYN with RST/ACK.
 *
 * The expected verdict: server-app think time (~900 ms over 3 requests, frames of the 3 slow
 * responses), and a connection refused by the server's OS. Needs root, ip, ethtool and tcpdump.
 *
 * With --healthy it records examples/healthy-keep-alive.pcap instead: the same 20 requests, none
 * of them slow (GET /api/report answers at once), and no refused connection: the capture the
 * analyze tests expect to be reported as healthy in one line.
 *
 *   npx tsx scripts/record-example.ts            # writes examples/slow-endpoint.pcap
 *   npx tsx scripts/record-example.ts --healthy  # writes examples/healthy-keep-alive.pcap
 *   npx tsx scripts/record-example.ts [--healthy] OUT.pcap
 *
 * (examples/loopback-http.pcap, the fuzz tests' seed, was recorded by the first version of this
 * script on the host's loopback: ten requests, one 300 ms, and one refused connection.)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createNamespace, inNetns, makeLinkRealistic } from "../src/lab/netns.ts";
import { TcpdumpCapture } from "../src/lab/tcpdump.ts";
import { Teardown } from "../src/lab/teardown.ts";

const SERVER_PORT = 8080;
/** Nothing listens here: the kernel refuses the connection (RST/ACK to the SYN). */
const CLOSED_PORT = 9090;
const SLOW_PATH = "/api/report";
const SLOW_HANDLER_MS = 300;
/** The client's pause between requests: a browser or a job parsing the last answer. */
const CLIENT_GAP_MS = 2;
const REQUESTS = [
  "/",
  "/static/app.js",
  "/api/items",
  SLOW_PATH,
  "/api/items?page=2",
  "/api/items?page=3",
  "/api/user",
  "/static/logo.svg",
  SLOW_PATH,
  "/api/items?page=4",
  "/api/items?page=5",
  "/api/user",
  "/api/items?page=6",
  "/api/items?page=7",
  SLOW_PATH,
  "/api/items?page=8",
  "/api/items?page=9",
  "/api/user",
  "/api/items?page=10",
  "/favicon.ico",
];
const BODY_BYTES: Record<string, number> = { "/static/app.js": 48_000, "/static/logo.svg": 6_000 };
const DEFAULT_BODY_BYTES = 900;
/** The bound for a bundled capture. */
const MAX_EXAMPLE_BYTES = 200 * 1024;
/** Every step is bounded: the whole recording normally takes about 1.5 s. */
const TRAFFIC_LIMIT_MS = 20_000;

const healthy = process.argv.includes("--healthy");
const outArg = process.argv.slice(2).find((a) => !a.startsWith("--"));
if (process.argv.includes("--traffic")) await makeTraffic(healthy);
else {
  const name = healthy ? "healthy-keep-alive.pcap" : "slow-endpoint.pcap";
  await record(outArg ?? fileURLToPath(new URL(`../examples/${name}`, import.meta.url)), healthy);
}

/** The parent: namespace, tcpdump, the traffic in a child process inside the namespace, cleanup. */
async function record(out: string, healthy: boolean): Promise<void> {
  const teardown = new Teardown();
  try {
    const netns = createNamespace(teardown, "ex");
    makeLinkRealistic(netns, "lo");
    const capture = await TcpdumpCapture.start(teardown, {
      netns,
      device: "lo",
      filter: `tcp port ${SERVER_PORT} or tcp port ${CLOSED_PORT}`,
      snapLenBytes: 0,
      path: out,
      maxMs: TRAFFIC_LIMIT_MS,
    });
    const [command, args] = inNetns(netns, process.execPath, [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--traffic",
      ...(healthy ? ["--healthy"] : []),
    ]);
    const traffic = spawn("timeout", [String(TRAFFIC_LIMIT_MS / 1000), command, ...args], {
      stdio: "inherit",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
    const [code] = await once(traffic, "exit");
    if (code !== 0) throw new Error(`the traffic process exited with ${code}`);
    await capture.stop();
  } finally {
    teardown.runAll();
  }
  const bytes = statSync(out).size;
  if (bytes > MAX_EXAMPLE_BYTES)
    throw new Error(`${out} is ${bytes} bytes, more than ${MAX_EXAMPLE_BYTES}`);
  console.log(`wrote ${out} (${bytes} bytes)`);
}

/** The child, inside the namespace: the server, the keep-alive client, the refused connection. */
async function makeTraffic(healthy: boolean): Promise<void> {
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    const body = Buffer.alloc(BODY_BYTES[path] ?? DEFAULT_BODY_BYTES, "x");
    const reply = () => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      res.end(body);
    };
    if (path === SLOW_PATH && !healthy) setTimeout(reply, SLOW_HANDLER_MS);
    else reply();
  });
  server.listen(SERVER_PORT, "127.0.0.1");
  await once(server, "listening");

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: SERVER_PORT, path, agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
  for (const path of REQUESTS) {
    await get(path);
    await sleep(CLIENT_GAP_MS);
  }
  agent.destroy();
  await sleep(20);
  if (!healthy) await refusedConnection();
  server.close();
}

/** A connection attempt to the port where nothing listens: the kernel's RST/ACK answers it. */
async function refusedConnection(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(CLOSED_PORT, "127.0.0.1");
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNREFUSED" ? resolve() : reject(error),
    );
    socket.on("connect", () => reject(new Error(`something listens on port ${CLOSED_PORT}`)));
  });
}
