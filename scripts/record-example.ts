/**
 * Records examples/loopback-http.pcap, the capture `npm start` analyzes: a real Node HTTP server on
 * loopback, one keep-alive client making ten requests of which one (GET /slow) waits 300 ms in the
 * handler, and one connection attempt to a port nothing listens on (the kernel answers RST).
 * Needs root and tcpdump. Run: npx tsx scripts/record-example.ts
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const out = new URL("../examples/loopback-http.pcap", import.meta.url).pathname;
mkdirSync(new URL("../examples/", import.meta.url).pathname, { recursive: true });

const SLOW_HANDLER_MS = 300;
const server = http.createServer((req, res) => {
  const body = Buffer.alloc(req.url === "/big" ? 64_000 : 512, "x");
  const reply = () => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  };
  if (req.url === "/slow") setTimeout(reply, SLOW_HANDLER_MS);
  else reply();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const port = (server.address() as net.AddressInfo).port;

// A port with no listener: bind, read the number, close, so the SYN meets the kernel's RST.
const probe = net.createServer().listen(0, "127.0.0.1");
await once(probe, "listening");
const closedPort = (probe.address() as net.AddressInfo).port;
probe.close();

const tcpdump = spawn(
  "tcpdump",
  [
    "-U",
    "--immediate-mode",
    "-i",
    "lo",
    "-s",
    "0",
    "-w",
    out,
    `tcp port ${port} or tcp port ${closedPort}`,
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);
await new Promise<void>((resolve) =>
  tcpdump.stderr.on("data", (d: Buffer) => d.includes("listening on") && resolve()),
);

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path: string) =>
  new Promise<void>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      })
      .on("error", reject);
  });
for (const path of ["/", "/a", "/b", "/slow", "/c", "/big", "/d", "/e", "/f", "/g"]) {
  await get(path);
  await sleep(20);
}
agent.destroy();
await new Promise<void>((resolve) => {
  const s = net.connect(closedPort, "127.0.0.1");
  s.on("error", () => resolve());
  s.on("connect", () => {
    s.destroy();
    resolve();
  });
});
await sleep(200);
tcpdump.kill("SIGINT");
await once(tcpdump, "exit");
server.close();
console.log(`wrote ${out}`);
