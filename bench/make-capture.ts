/**
 * Records the benchmark capture: real HTTP/1.1 traffic on loopback, captured by tcpdump, until the
 * file holds at least TARGET bytes (default 1 GB) or a time limit passes. The traffic runs on the
 * loopback of a network namespace made for it, with an Ethernet MTU (1500) and segmentation
 * offloads off, so the capture holds wire-sized segments as a capture from a real NIC does (the
 * host's loopback, MTU 65536 with GSO, would give 10 KB-average packets and flatter every tool). A Node server answers a
 * bounded client loop with a realistic mix: mostly small API responses, some page-sized ones and
 * a few large downloads; most clients keep connections alive, some open a new one per request, so
 * the capture also holds many handshakes and reused ports.
 *
 * Usage: npx tsx bench/make-capture.ts [OUT] [--target-mb N]   (root and tcpdump needed)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { createNamespace, inNetns, makeLinkRealistic } from "../src/lab/netns.ts";
import { TcpdumpCapture } from "../src/lab/tcpdump.ts";
import { Teardown } from "../src/lab/teardown.ts";

const TIME_LIMIT_MS = 240_000;
const CONCURRENT_CLIENTS = 8;
/** tcpdump -B: loopback at full speed overruns the default 2 MiB capture buffer. */
const CAPTURE_BUFFER_KIB = 65_536;

export async function makeCapture(out: string, targetBytes: number): Promise<void> {
  mkdirSync(dirname(out), { recursive: true });
  const bodies = [256, 1_200, 4_000, 16_000, 64_000, 400_000].map((n) => Buffer.alloc(n, "w"));
  const server = http.createServer((req, res) => {
    const size = Number(new URL(req.url ?? "/", "http://x").searchParams.get("size") ?? 0);
    const body = bodies[size] ?? bodies[0];
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": body.length,
    });
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  const teardown = new Teardown();
  const capture = await TcpdumpCapture.start(teardown, {
    netns: undefined,
    device: "lo",
    filter: `tcp port ${port}`,
    snapLenBytes: 0,
    path: out,
    maxMs: TIME_LIMIT_MS,
    bufferKiB: CAPTURE_BUFFER_KIB,
  });
  const started = Date.now();
  const done = () => {
    if (Date.now() - started > TIME_LIMIT_MS) return true;
    try {
      return statSync(out).size >= targetBytes;
    } catch {
      return false;
    }
  };
  // Size index weights: many small API answers, fewer pages, a few large downloads.
  const mix = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5];
  let requests = 0;
  const client = async (id: number) => {
    const agent = new http.Agent({ keepAlive: id % 4 !== 0, maxSockets: 1 });
    for (let i = 0; !done(); i++) {
      const size = mix[(i * 7 + id) % mix.length];
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port, path: `/item/${i}?size=${size}`, agent }, (res) => {
            res.resume();
            res.on("end", resolve);
          })
          .on("error", reject);
      });
      requests++;
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, (_, id) => client(id)));
  const stats = await capture.stop();
  teardown.runAll();
  server.close();
  if (stats.packetsDroppedByKernel > 0) {
    console.error(`warning: the kernel dropped ${stats.packetsDroppedByKernel} packets`);
  }
  const size = statSync(out).size;
  console.error(
    `recorded ${(size / 1e6).toFixed(0)} MB, ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s: ${out}`,
  );
}

/**
 * Records in a namespace of its own (root): its loopback gets an Ethernet MTU and no offloads,
 * then this file runs inside it with --inside. The namespace goes away whatever happens.
 */
export async function makeCaptureInNamespace(out: string, targetBytes: number): Promise<void> {
  const teardown = new Teardown();
  try {
    const netns = createNamespace(teardown, "bench");
    makeLinkRealistic(netns, "lo");
    const [command, args] = inNetns(netns, process.execPath, [
      "--import",
      "tsx",
      resolve("bench/make-capture.ts"),
      "--inside",
      out,
      "--target-mb",
      String(targetBytes / 1e6),
    ]);
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    const [code] = await once(child, "exit");
    if (code !== 0) throw new Error(`recording in ${netns} failed (exit ${code})`);
  } finally {
    teardown.runAll();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const mbAt = args.indexOf("--target-mb");
  const targetMb = mbAt >= 0 ? Number(args[mbAt + 1]) : 1000;
  const out =
    args.find((a, i) => !a.startsWith("--") && i !== mbAt + 1) ?? "bench/data/loopback-http.pcap";
  if (args.includes("--inside")) await makeCapture(out, targetMb * 1e6);
  else await makeCaptureInNamespace(out, targetMb * 1e6);
}
