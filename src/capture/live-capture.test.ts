/**
 * A real live capture: tcpdump on this machine's loopback writing pcap to its stdout
 * (`tcpdump -U --immediate-mode -w -`), parsed as a stream while the traffic happens, then
 * compared packet by packet with what `tcpdump -r` reads from the same bytes.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type TestContext, test } from "node:test";
import { repoRoot, requireCommand, requireOrSkip } from "../testing/corpus.ts";
import { readCaptureStream } from "./index.ts";
import type { PacketCopy } from "./testing/read-bytes.ts";
import { copyRecord } from "./testing/read-bytes.ts";
import type { CaptureMeta } from "./types.ts";

const CONNECTIONS = 5;
/**
 * tcpdump's capture buffer, KiB. With the default 2 MiB, capturing lo (64 KiB MTU) at snaplen
 * 262144 leaves the kernel ring only a handful of frame slots: in 10 runs of these 5 connections
 * it kept all 50 packets in 4 runs and 16 to 44 in the others, while reporting "0 packets
 * dropped by kernel". With 64 MiB it kept all 50 in 10 of 10.
 */
const LIVE_BUFFER_KIB = 65_536;
const STEP_TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface LiveResult {
  meta: CaptureMeta;
  packets: PacketCopy[];
  raw: Buffer;
  port: number;
  /** tcpdump's own count on exit ("N packets captured"). */
  tcpdumpCaptured: number;
}

/** Echo server on loopback, tcpdump on lo for its port, CONNECTIONS request/reply exchanges. */
async function captureLive(extraArgs: string[]): Promise<LiveResult> {
  const server = createServer((socket) => socket.on("data", (d) => socket.end(d)));
  await withTimeout(new Promise<void>((r) => server.listen(0, "127.0.0.1", r)), "listen");
  const port = (server.address() as AddressInfo).port;
  const tcpdump = spawn(
    "tcpdump",
    // -B: see LIVE_BUFFER_KIB.
    [
      "-U",
      "--immediate-mode",
      "-B",
      String(LIVE_BUFFER_KIB),
      "-i",
      "lo",
      "-s",
      "0",
      ...extraArgs,
      "-w",
      "-",
      `tcp port ${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((r) => tcpdump.on("exit", (code) => r(code)));
  try {
    let stderr = "";
    tcpdump.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        tcpdump.stderr.on("data", () => {
          if (stderr.includes("listening on")) resolve();
        });
        tcpdump.on("exit", (code) => reject(new Error(`tcpdump exited (${code}): ${stderr}`)));
      }),
      "tcpdump start",
    );
    // One copy of tcpdump's stdout to parse live, one kept to give tcpdump -r the same bytes.
    const toParser = new PassThrough();
    const kept: Buffer[] = [];
    const toFile = new PassThrough();
    toFile.on("data", (d: Buffer) => kept.push(d));
    tcpdump.stdout.pipe(toParser);
    tcpdump.stdout.pipe(toFile);
    const packets: PacketCopy[] = [];
    const reading = readCaptureStream(toParser, "tcpdump", (r) => void packets.push(copyRecord(r)));

    for (let i = 0; i < CONNECTIONS; i++) {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => socket.write(`request ${i}\n`));
          socket.on("data", () => {});
          socket.on("end", () => socket.end());
          socket.on("close", () => resolve());
          socket.on("error", reject);
        }),
        `connection ${i}`,
      );
    }
    // Immediate mode writes each packet at once; leave the last FIN/ACKs time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    tcpdump.kill("SIGINT");
    await withTimeout(exited, "tcpdump exit");
    const meta = await withTimeout(reading, "reading tcpdump's stdout");
    const captured = /(\d+) packets? captured/.exec(stderr);
    assert.ok(captured, `no capture count from tcpdump: ${stderr}`);
    return {
      meta,
      packets,
      raw: Buffer.concat(kept),
      port,
      tcpdumpCaptured: Number(captured[1]),
    };
  } finally {
    tcpdump.kill("SIGKILL");
    server.close();
  }
}

/** SYNs without ACK to `port` in Ethernet/IPv4/TCP frames (loopback on Linux is EN10MB). */
function countSyns(packets: PacketCopy[], port: number): number {
  let syns = 0;
  for (const p of packets) {
    const d = p.data;
    if (d.length < 54 || d[12] !== 0x08 || d[13] !== 0x00 || d[23] !== 6) continue;
    const tcp = 14 + (d[14] & 0x0f) * 4;
    const dstPort = (d[tcp + 2] << 8) | d[tcp + 3];
    const flags = d[tcp + 13];
    if (dstPort === port && (flags & 0x12) === 0x02) syns++;
  }
  return syns;
}

/** Every connection is there: its SYN, and at least 8 packets each (handshake, request, ACK,
 * reply, FINs). */
function assertAllConnections(packets: PacketCopy[], port: number): void {
  assert.equal(countSyns(packets, port), CONNECTIONS);
  assert.ok(packets.length >= CONNECTIONS * 8, `${packets.length} packets`);
}

/** `tcpdump -tt -r` on the same bytes: one "seconds.fraction" per packet. */
function tcpdumpTimes(raw: Buffer, nano: boolean): string[] {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-live-"));
  try {
    const file = join(dir, "live.pcap");
    writeFileSync(file, raw);
    const args = ["-tt", "-n", "-r", file, ...(nano ? ["--nano"] : [])];
    const out = execFileSync("tcpdump", args, { stdio: ["ignore", "pipe", "ignore"] }).toString();
    return out
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => l.split(" ")[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function canCapture(t: TestContext): boolean {
  return (
    requireCommand(t, "tcpdump") &&
    requireOrSkip(t, process.getuid?.() === 0, "capturing on lo needs root")
  );
}

test("tcpdump -U --immediate-mode -w - on lo, parsed live: same packets as tcpdump -r", async (t) => {
  if (!canCapture(t)) return;
  const { meta, packets, raw, port, tcpdumpCaptured } = await captureLive([]);
  assert.equal(meta.format, "pcap");
  assert.equal(meta.pcap?.nanosecond, false);
  assert.equal(meta.interfaces[0].linkTypeName, "EN10MB");
  assert.deepEqual(meta.warnings, []);
  assert.equal(meta.fileBytes, raw.length);
  assert.equal(packets.length, tcpdumpCaptured);
  assertAllConnections(packets, port);
  const times = tcpdumpTimes(raw, false);
  assert.equal(packets.length, times.length);
  assert.deepEqual(
    packets.map((p) => `${p.tsSec}.${String(p.tsNsec / 1000).padStart(6, "0")}`),
    times,
  );
});

test("the same with --time-stamp-precision=nano: nanosecond magic, every timestamp exact", async (t) => {
  if (!canCapture(t)) return;
  const { meta, packets, raw, port, tcpdumpCaptured } = await captureLive([
    "--time-stamp-precision=nano",
  ]);
  assert.equal(meta.pcap?.nanosecond, true);
  assert.equal(meta.interfaces[0].tsUnitsPerSec, 1e9);
  assert.deepEqual(meta.warnings, []);
  assert.equal(packets.length, tcpdumpCaptured);
  assertAllConnections(packets, port);
  const times = tcpdumpTimes(raw, true);
  assert.equal(packets.length, times.length);
  assert.deepEqual(
    packets.map((p) => `${p.tsSec}.${String(p.tsNsec).padStart(9, "0")}`),
    times,
  );
  // Real nanosecond stamps: not all of them are whole microseconds.
  assert.ok(packets.some((p) => p.tsNsec % 1000 !== 0));
});

test("tcpdump -w - piped into a reader of standard input (tcpdump -w - | wirewhy info -)", async (t) => {
  if (!canCapture(t)) return;
  const server = createServer((socket) => socket.on("data", (d) => socket.end(d)));
  await withTimeout(new Promise<void>((r) => server.listen(0, "127.0.0.1", r)), "listen");
  const port = (server.address() as AddressInfo).port;
  const tcpdump = spawn(
    "tcpdump",
    [
      "-U",
      "--immediate-mode",
      "-B",
      String(LIVE_BUFFER_KIB),
      "-i",
      "lo",
      "-w",
      "-",
      `tcp port ${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  // The reader's standard input is tcpdump's stdout pipe itself, as in a shell pipeline.
  const reader = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src/capture/testing/count-stdin.ts")],
    { cwd: repoRoot, stdio: [tcpdump.stdout, "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  tcpdump.stderr.on("data", (d: Buffer) => {
    stderr += d;
  });
  reader.stdout.on("data", (d: Buffer) => {
    stdout += d;
  });
  const tcpdumpExited = new Promise((r) => tcpdump.on("exit", r));
  const readerExited = new Promise((r) => reader.on("exit", r));
  try {
    await withTimeout(
      new Promise<void>((resolve) => {
        tcpdump.stderr.on("data", () => {
          if (stderr.includes("listening on")) resolve();
        });
      }),
      "tcpdump start",
    );
    for (let i = 0; i < CONNECTIONS; i++) {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => socket.write(`ping ${i}`));
          socket.on("data", () => {});
          socket.on("end", () => socket.end());
          socket.on("close", () => resolve());
          socket.on("error", reject);
        }),
        `connection ${i}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    tcpdump.kill("SIGINT");
    await withTimeout(tcpdumpExited, "tcpdump exit");
    await withTimeout(readerExited, "reader exit");
  } finally {
    tcpdump.kill("SIGKILL");
    reader.kill("SIGKILL");
    server.close();
  }
  const captured = Number(/(\d+) packets? captured/.exec(stderr)?.[1]);
  const result = JSON.parse(stdout);
  assert.equal(result.source, "-");
  assert.equal(result.format, "pcap");
  assert.deepEqual(result.warnings, []);
  assert.ok(captured >= CONNECTIONS * 8, `tcpdump captured ${captured}`);
  assert.equal(result.packets, captured);
});
