/**
 * `wirewhy host` in network namespaces made here (so the counters are their own): a listener with
 * backlog 1 that never accepts (its process is stopped) against several clients fills its accept
 * queue and makes ListenOverflows rise; a server that never closes piles up CLOSE_WAIT; and the
 * listener table agrees with `ss -ltn`. Namespaces and processes are removed even on failure.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawnSync } from "node:child_process";
import test, { type TestContext } from "node:test";
import { hostReport } from "../src/host/host-report.ts";
import type { HostReport } from "../src/host/types.ts";
import { createNetns, type TestNetns } from "../src/probe/testing/netns.ts";
import { repoRoot, requireCommand, requireOrSkip } from "../src/testing/corpus.ts";

function canUseNetns(t: TestContext): boolean {
  return (
    requireOrSkip(t, process.getuid?.() === 0, "needs root for network namespaces") &&
    requireCommand(t, "ip") &&
    requireCommand(t, "ss")
  );
}

/** Starts `node -e script` inside the namespace and waits for it to print "ready". */
async function startNode(ns: TestNetns, script: string): Promise<ChildProcess> {
  const child = ns.spawn(process.execPath, ["-e", script]);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "ready" from the helper: ${out}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`helper exited (${code}) before it was ready: ${out}`));
    });
  });
  return child;
}

/** N clients that connect and hold their connections for holdMs (connect errors ignored). */
const CLIENTS = (port: number, n: number, holdMs: number, end: boolean) => `
const net = require("net");
for (let i = 0; i < ${n}; i++) {
  const s = net.connect({ host: "127.0.0.1", port: ${port} });
  s.on("error", () => {});
  ${end ? 's.on("connect", () => s.end());' : ""}
}
console.log("ready");
setTimeout(() => process.exit(0), ${holdMs});
`;

test("a listener that never accepts: accept queue full and ListenOverflows rising (server-os)", async (t) => {
  if (!canUseNetns(t)) return;
  const ns = createNetns("aq");
  t.after(() => ns.destroy());
  const port = 8080;
  const server = await startNode(
    ns,
    `require("net").createServer().listen({ port: ${port}, host: "127.0.0.1", backlog: 1 }, () => console.log("ready"));`,
  );
  t.after(() => {
    server.kill("SIGCONT");
    server.kill("SIGKILL");
  });
  // A stopped process cannot accept(): the kernel queues handshakes, then drops them.
  server.kill("SIGSTOP");
  const watching = hostReport({ netns: ns.name, watchSeconds: 3 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await startNode(ns, CLIENTS(port, 6, 5000, false));
  const report: HostReport = await watching;

  const listener = report.listeners.find((l) => l.port === port);
  assert.ok(listener, "the listener is listed");
  assert.equal(listener.address, "127.0.0.1");
  assert.equal(listener.backlog, 1);
  // sk_acceptq_is_full() is "> backlog": a backlog of 1 holds 2 connections.
  assert.equal(listener.acceptQueue, 2);
  assert.equal(listener.pid, server.pid);
  assert.equal(listener.command, "node");

  const full = report.findings.find((f) => f.kind === "accept-queue-full");
  assert.ok(full, `accept-queue-full in ${report.findings.map((f) => f.kind)}`);
  assert.equal(full.layer, "server-os");
  assert.equal(full.severity, "error");
  assert.equal(full.evidence.facts?.pid, server.pid);

  const overflow = report.findings.find((f) => f.kind === "accept-queue-overflow");
  assert.ok(overflow, "accept-queue-overflow from the counters");
  assert.equal(overflow.layer, "server-os");
  const overflows = overflow.evidence.facts?.["TcpExt.ListenOverflows"] as number;
  // 4 clients beyond the 2 queued have their SYNs dropped, and each retry is dropped again.
  assert.ok(overflows >= 4, `ListenOverflows +${overflows}`);
  const delta = report.watch?.deltas.find((d) => d.name === "TcpExt.ListenOverflows");
  assert.equal(delta?.layer, "server-os");
  assert.equal(delta?.delta, overflows);
  assert.equal(report.netns, ns.name);
});

test("a server that never closes: CLOSE_WAIT grows and is reported (server-app)", async (t) => {
  if (!canUseNetns(t)) return;
  const ns = createNetns("cw");
  t.after(() => ns.destroy());
  const port = 9090;
  // allowHalfOpen: the client's FIN does not make Node end the socket; nobody ever closes it.
  await startNode(
    ns,
    `const kept = []; require("net").createServer({ allowHalfOpen: true }, (s) => kept.push(s)).listen(${port}, "127.0.0.1", () => console.log("ready"));`,
  );
  await startNode(ns, CLIENTS(port, 3, 8000, true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const watching = hostReport({ netns: ns.name, watchSeconds: 2, port });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await startNode(ns, CLIENTS(port, 4, 8000, true));
  const report = await watching;

  assert.equal(report.states[String(port)]?.CLOSE_WAIT, 7);
  const f = report.findings.find((x) => x.kind === "close-wait-accumulating");
  assert.ok(f, `close-wait-accumulating in ${report.findings.map((x) => x.kind)}`);
  assert.equal(f.layer, "server-app");
  assert.equal(f.count, 7);
  assert.equal(f.evidence.facts?.atStart, 3);
  assert.equal(f.evidence.facts?.persisting, 3);
  assert.equal(f.evidence.facts?.growth, 4);
});

test("the listener table agrees with ss -ltn (and the CLI prints it as JSON)", async (t) => {
  if (!canUseNetns(t)) return;
  const ns = createNetns("ls");
  t.after(() => ns.destroy());
  await startNode(
    ns,
    `const net = require("net");
     let n = 0; const done = () => { if (++n === 3) console.log("ready"); };
     net.createServer().listen({ port: 7001, host: "127.0.0.1", backlog: 7 }, done);
     net.createServer().listen({ port: 7002, host: "::1", backlog: 33 }, done);
     net.createServer().listen({ port: 7003, host: "0.0.0.0" }, done);`,
  );
  const cli = spawnSync(
    process.execPath,
    [`${repoRoot}/bin/wirewhy.js`, "host", "--netns", ns.name, "--json"],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const report = JSON.parse(cli.stdout) as HostReport;
  const ours = report.listeners
    .map(
      (l) =>
        `${l.address.includes(":") ? `[${l.address}]` : l.address}:${l.port} ${l.acceptQueue} ${l.backlog}`,
    )
    .sort();
  const ss = ns
    .run("ss", ["-ltnH"])
    .trim()
    .split("\n")
    .map((line) => {
      const [, recvQ, sendQ, local] = line.trim().split(/\s+/);
      return `${local} ${recvQ} ${sendQ}`;
    })
    .sort();
  assert.deepEqual(ours, ss);
  assert.deepEqual(ours, ["0.0.0.0:7003 0 511", "127.0.0.1:7001 0 7", "[::1]:7002 0 33"]);
  assert.ok(report.listeners.every((l) => l.command === "node"));
  assert.ok(Object.keys(report.counters).includes("TcpExt.ListenOverflows"));
});

test("bad --netns and --port give one clear line and exit 2", () => {
  const noNs = spawnSync(
    process.execPath,
    [`${repoRoot}/bin/wirewhy.js`, "host", "--netns", "ww-no-such-namespace"],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(noNs.status, 2);
  assert.match(
    noNs.stderr,
    /^wirewhy: (no network namespace "ww-no-such-namespace"|--netns needs root)/,
  );
  assert.equal(noNs.stderr.trim().split("\n").length, 1);
  const badPort = spawnSync(
    process.execPath,
    [`${repoRoot}/bin/wirewhy.js`, "host", "--port", "70000"],
    {
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  assert.equal(badPort.status, 2);
  assert.equal(badPort.stderr.trim().split("\n").length, 1);
});
