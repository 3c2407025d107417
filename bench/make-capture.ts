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
 * The busy-server capture of issue 17 is the same recording with `--close-share 0.5 --mix busy`:
 * half of the clients send `Connection: close` (a new connection per request) and no response is
 * over 16 KB, so 1 GB holds ~65 K connections instead of ~4 K (100 MB: 6,708 connections).
 *
 * Usage: npx tsx bench/make-capture.ts [OUT] [--target-mb N] [--close-share F] [--mix busy]
 *   (root and tcpdump needed; --close-share defaults to 0.25, the keep-alive bench capture's)
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
import { flagValue } from "./args.ts";

const TIME_LIMIT_MS = 240_000;
const CONCURRENT_CLIENTS = 8;
/** tcpdump -B: loopback at full speed overruns the default 2 MiB capture buffer. */
const CAPTURE_BUFFER_KIB = 65_536;

export interface CaptureOptions {
  /** The share of clients that send `Connection: close` (default 0.25: clients 0 and 4 of 8). */
  closeShare?: number;
  /** "default": mostly small answers, some pages, a few 400 KB downloads; "busy": none over 16 KB. */
  mix?: "default" | "busy";
}

/** Size index weights: many small API answers, fewer pages, a few large downloads. */
const MIXES = {
  default: [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5],
  busy: [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3],
};

export async function makeCapture(
  out: string,
  targetBytes: number,
  options: CaptureOptions = {},
): Promise<void> {
  const closeShare = options.closeShare ?? 0.25;
  const mix = MIXES[options.mix ?? "default"];
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
  let requests = 0;
  let connections = 0;
  const client = async (id: number) => {
    // Client id closes when id × share crosses no whole number: share 0.25 picks 0 and 4.
    const close = (id * closeShare) % 1 < closeShare;
    const agent = new http.Agent({ keepAlive: !close, maxSockets: 1 });
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (...args: Parameters<typeof createConnection>) => {
      connections++;
      return createConnection(...args);
    };
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
    `recorded ${(size / 1e6).toFixed(0)} MB, ${requests} requests on ${connections} connections in ${((Date.now() - started) / 1000).toFixed(1)} s: ${out}`,
  );
}

/**
 * Records in a namespace of its own (root): its loopback gets an Ethernet MTU and no offloads,
 * then this file runs inside it with --inside. The namespace goes away whatever happens.
 */
export async function makeCaptureInNamespace(
  out: string,
  targetBytes: number,
  options: CaptureOptions = {},
): Promise<void> {
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
      ...(options.closeShare !== undefined ? ["--close-share", String(options.closeShare)] : []),
      ...(options.mix ? ["--mix", options.mix] : []),
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
  const valued = new Set(["--target-mb", "--close-share", "--mix"]);
  const targetMb = Number(flagValue(args, "--target-mb") ?? "1000");
  const closeText = flagValue(args, "--close-share");
  const closeShare = closeText === undefined ? undefined : Number(closeText);
  if (closeShare !== undefined && !(closeShare >= 0 && closeShare <= 1)) {
    console.error(`bench: --close-share must be between 0 and 1 (got "${closeText}")`);
    process.exit(2);
  }
  const mixText = flagValue(args, "--mix");
  if (mixText !== undefined && mixText !== "default" && mixText !== "busy") {
    console.error(`bench: --mix is "default" or "busy" (got "${mixText}")`);
    process.exit(2);
  }
  const options: CaptureOptions = { closeShare, mix: mixText as CaptureOptions["mix"] };
  const out =
    args.find((a, i) => !a.startsWith("--") && !valued.has(args[i - 1] ?? "")) ??
    "bench/data/loopback-http.pcap";
  if (args.includes("--inside")) await makeCapture(out, targetMb * 1e6, options);
  else await makeCaptureInNamespace(out, targetMb * 1e6, options);
}
