/**
 * `wirewhy lab` as scripts use it: the JSON contracts of `lab list --json` and `lab run --json`,
 * the exit codes, cleanup on SIGINT; and the pieces under them (verdict matching, teardown order,
 * the agent line protocol).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAgentLine } from "../src/lab/agent-io.ts";
import { LABS } from "../src/lab/registry.ts";
import { Teardown } from "../src/lab/teardown.ts";
import { requireLabMachine } from "../src/lab/testing/lab-run-assertions.ts";
import { judgeVerdict, type LabVerdict } from "../src/lab/verdict.ts";
import type { Finding } from "../src/model/finding.ts";

const cli = fileURLToPath(new URL("../bin/wirewhy.js", import.meta.url));

function wirewhy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The kinds the analyze issue defines for the labs (issue 6's list). */
const ISSUE_KINDS = [
  "server-think-time",
  "accept-queue-overflow",
  "connection-refused",
  "reset-unread-data",
  "abortive-reset",
  "nagle-delayed-ack",
  "zero-window",
  "keep-alive-reuse-race",
  "packet-loss",
  "bandwidth-bottleneck",
  "syn-unanswered",
  "slow-dns",
  "slow-tls-handshake",
  "receive-window-limited",
  // issue 16
  "path-mtu-black-hole",
  "dns-search-walk",
  "tls-shutdown-reset",
];

/** Kinds the labs of issue 16 (verdicts on traffic nobody tuned them for) add. */
const ISSUE_16_KINDS = ["paced-stream", "connect-to-request-idle"];

function finding(layer: Finding["layer"], kind: string, costMs: number): Finding {
  return {
    kind,
    layer,
    severity: "warning",
    costMs,
    title: kind,
    explanation: "",
    advice: "",
    confidence: 1,
    count: 1,
    evidence: { frames: [1] },
  };
}

describe("wirewhy lab list", () => {
  it("--json prints { name, title, layer, kind, needsRoot } for each lab", async () => {
    const { code, stdout } = await wirewhy(["lab", "list", "--json"]);
    assert.equal(code, 0);
    const list = JSON.parse(stdout) as Record<string, unknown>[];
    assert.equal(list.length, LABS.length);
    for (const entry of list) {
      assert.deepEqual(Object.keys(entry), ["name", "title", "layer", "kind", "needsRoot"]);
      assert.match(String(entry.name), /^[a-z]+(-[a-z]+)*$/);
    }
    assert.deepEqual(
      [...new Set(list.map((e) => e.kind))].sort(),
      [...ISSUE_KINDS, ...ISSUE_16_KINDS].sort(),
    );
    const zeroWindows = list.filter((e) => e.kind === "zero-window").map((e) => e.layer);
    assert.deepEqual(zeroWindows, ["client-app", "server-app"]);
  });

  it("the text list names every lab with its layer", async () => {
    const { code, stdout } = await wirewhy(["lab", "list"]);
    assert.equal(code, 0);
    assert.equal(stdout.trim().split("\n").length, LABS.length);
    assert.match(stdout, /^packet-loss +\[network\] /m);
  });

  it("every lab's lesson is under 25 lines, and docs/labs.md describes every lab", () => {
    const docs = readFileSync(new URL("../docs/labs.md", import.meta.url), "utf8");
    for (const lab of LABS) {
      assert.ok(lab.lesson.split("\n").length < 25, lab.name);
      assert.ok(docs.includes(`\`${lab.name}\``), `docs/labs.md lacks ${lab.name}`);
    }
  });
});

describe("wirewhy lab run", () => {
  it("an unknown lab is a usage error (exit 2)", async () => {
    const { code, stderr } = await wirewhy(["lab", "run", "no-such-lab"]);
    assert.equal(code, 2);
    assert.match(stderr, /no lab named "no-such-lab"/);
  });

  it("--json prints { name, passed, expected, got }: the verdict matches, exit 0", async (t) => {
    if (!requireLabMachine(t)) return;
    const { code, stdout } = await wirewhy(["lab", "run", "connection-refused", "--json"]);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(result), ["name", "passed", "expected", "got"]);
    assert.deepEqual(result.expected, { layer: "server-os", kind: "connection-refused" });
    assert.deepEqual(Object.keys(result.got as object), ["layer", "kind", "costMs"]);
    const got = result.got as { layer: string; kind: string; costMs: number };
    assert.equal(got.layer, "server-os");
    assert.equal(got.kind, "connection-refused");
    assert.ok(got.costMs >= 0 && got.costMs < 20, `cost ${got.costMs} ms`);
    assert.equal(result.passed, true);
    assert.equal(code, 0);
  });

  it("SIGINT ends the lab's processes and deletes its namespaces", async (t) => {
    if (!requireLabMachine(t)) return;
    const child = spawn(process.execPath, [cli, "lab", "run", "syn-unanswered"], {
      stdio: ["ignore", "ignore", "ignore"],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const prefix = `ww${child.pid}-`;
    // Wait until the lab is mid-run: its namespaces exist and its agents are up.
    let children: number[] = [];
    for (let i = 0; i < 100 && children.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      children = childPids(child.pid!);
    }
    assert.ok(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes(prefix));
    assert.ok(children.length >= 3, `lab processes: ${children.length}`);
    child.kill("SIGINT");
    assert.equal(await exited, 130);
    assert.ok(!execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes(prefix));
    // SIGKILL is delivered at once but a process takes a moment to go: allow it a second.
    for (let i = 0; i < 20 && children.some(alive); i++)
      await new Promise((r) => setTimeout(r, 50));
    for (const pid of children) assert.ok(!alive(pid), `process ${pid} is still running`);
  });
});

describe("lab verdicts", () => {
  const expected = {
    layer: "server-app" as const,
    kind: "server-think-time",
    costMs: 750,
    toleranceMs: 150,
  };

  it("passes when the first finding names the layer and kind with the cost in tolerance", () => {
    const verdict: LabVerdict = {
      status: "analyzed",
      findings: [
        finding("server-app", "server-think-time", 700),
        finding("network", "packet-loss", 1),
      ],
    };
    assert.deepEqual(judgeVerdict(expected, verdict), {
      passed: true,
      got: { layer: "server-app", kind: "server-think-time", costMs: 700 },
    });
  });

  it("fails on another first finding, a cost out of tolerance, no finding, or no analysis", () => {
    const wrongFirst: LabVerdict = {
      status: "analyzed",
      findings: [
        finding("network", "packet-loss", 1),
        finding("server-app", "server-think-time", 750),
      ],
    };
    assert.equal(judgeVerdict(expected, wrongFirst).passed, false);
    const tooCheap: LabVerdict = {
      status: "analyzed",
      findings: [finding("server-app", "server-think-time", 599)],
    };
    assert.equal(judgeVerdict(expected, tooCheap).passed, false);
    assert.deepEqual(judgeVerdict(expected, { status: "analyzed", findings: [] }), {
      passed: false,
      got: null,
    });
    assert.deepEqual(judgeVerdict(expected, { status: "unavailable", reason: "x" }), {
      passed: false,
      got: null,
    });
  });
});

describe("lab plumbing", () => {
  it("a teardown runs its steps last-in first-out, once, past a failing step", () => {
    const teardown = new Teardown();
    const ran: string[] = [];
    teardown.add("a", () => ran.push("a"));
    const runB = teardown.add("b", () => ran.push("b"));
    teardown.add("c", () => {
      throw new Error("boom");
    });
    teardown.add("d", () => ran.push("d"));
    runB();
    teardown.runAll();
    teardown.runAll();
    assert.deepEqual(ran, ["b", "d", "a"]);
    assert.deepEqual(teardown.errors, ["c: boom"]);
  });

  it("agents speak one JSON object per line; other output is ignored", () => {
    assert.deepEqual(parseAgentLine('{"event":"ready","data":{"port":8080}}'), {
      event: "ready",
      data: { port: 8080 },
    });
    assert.deepEqual(parseAgentLine('{"event":"result"}'), { event: "result", data: {} });
    assert.equal(parseAgentLine("(node:1) Warning: something"), undefined);
    assert.equal(parseAgentLine('{"port":1}'), undefined);
    assert.equal(parseAgentLine("{not json"), undefined);
  });
});

function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (after the parenthesised name) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Running, not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
