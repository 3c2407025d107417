/**
 * `wirewhy analyze A.pcap B.pcap …` and `wirewhy analyze DIR` (src/cli/analyze-many.ts): the lab
 * captures recorded by test/fixtures/labs/record.ts, analyzed together in worker threads, give
 * each capture the Analysis it gets alone and a summary whose counts are the sums; a directory
 * stands for its captures; one bad file among good ones is reported for itself and the others are
 * still analyzed; the progress bar is drawn on a terminal (a pseudo-terminal from util-linux's
 * `script`) and never into a pipe.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Analyses, mergeAnalyses } from "../src/diagnose/analyses.ts";
import { analysesSchema, analysisSchema } from "../src/diagnose/analysis-schema.ts";
import type { Analysis } from "../src/diagnose/types.ts";
import { LAYERS } from "../src/model/finding.ts";
import { repoRoot } from "../src/testing/corpus.ts";

/** 16 packets, 1 connection, 3 exchanges, all slow (server think time). */
const THINK = "test/fixtures/labs/server-think-time.pcap";
/** 6 packets, 3 connections refused, 0 exchanges. */
const REFUSED = "test/fixtures/labs/connection-refused.pcap";
const LOSS = "test/fixtures/labs/packet-loss.pcap";
/** Frame 60's record starts at byte 59,929 of slow-endpoint.pcap: cut 716 bytes into it. */
const CUT_AT_BYTES = 59_929 + 716;

function wirewhy(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function alone(source: string): Analysis {
  const r = wirewhy(["analyze", source, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return analysisSchema.parse(JSON.parse(r.stdout)) as Analysis;
}

function together(args: string[], status = 0): Analyses {
  const r = wirewhy(["analyze", ...args, "--json"]);
  assert.equal(r.status, status, r.stderr);
  return analysesSchema.parse(JSON.parse(r.stdout)) as Analyses;
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-5, `${what}: ${actual}, expected ${expected}`);
}

test("two lab captures on two workers: each its own Analysis, a summary of sums", () => {
  const think = alone(THINK);
  const loss = alone(LOSS);
  const merged = together([THINK, LOSS, "--jobs", "2"]);
  assert.equal(merged.schema, "wirewhy.analyses/1");
  assert.deepEqual(merged.captures, [think, loss]);
  assert.deepEqual(merged.errors, []);
  const s = merged.summary;
  assert.equal(s.captures, 2);
  assert.equal(s.analyzed, 2);
  assert.equal(s.unreadable, 0);
  assert.equal(s.partial, 0);
  assert.equal(s.packets, think.capture.packets + loss.capture.packets);
  assert.equal(think.capture.packets, 16);
  for (const key of [
    "connections",
    "exchanges",
    "slowExchanges",
    "failures",
    "failedConnections",
  ] as const) {
    assert.equal(s[key], think.summary[key] + loss.summary[key], key);
  }
  assert.equal(s.exchanges, 3 + loss.summary.exchanges);
  close(s.totalMs, think.summary.totalMs + loss.summary.totalMs, "totalMs");
  for (const layer of LAYERS) {
    close(s.byLayer[layer], think.summary.byLayer[layer] + loss.summary.byLayer[layer], layer);
  }
  const kinds = new Set([...think.findings, ...loss.findings].map((f) => f.kind));
  assert.deepEqual(new Set(s.findingKinds.map((k) => k.kind)), kinds);
  const thinkTime = s.findingKinds.find((k) => k.kind === "server-think-time");
  assert.ok(thinkTime);
  assert.equal(thinkTime.count, 3);
  assert.match(s.headline, /^2 captures: /);
  // One job reads them in this thread, one after the other: the same report.
  assert.deepEqual(together([THINK, LOSS, "--jobs", "1"]), merged);
  // And mergeAnalyses is the library's: the CLI adds nothing.
  assert.deepEqual(mergeAnalyses([think, loss]), merged);
});

test("one file keeps its single-file output; the text and Markdown reports name every capture", () => {
  assert.equal(together([THINK, REFUSED]).summary.failedConnections, 3);
  const single = wirewhy(["analyze", THINK, "--json"]);
  assert.equal(JSON.parse(single.stdout).schema, "wirewhy.analysis/1");
  const text = wirewhy(["analyze", THINK, REFUSED]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^wirewhy analyze 2 captures: 22 packets, 4 connections, 3 exchanges\n/,
  );
  assert.match(text.stdout, /connection-refused: 1 capture, 3 occurrences/);
  assert.match(text.stdout, /server-think-time: 1 capture, 3 occurrences/);
  // Each capture's own report follows, as `analyze FILE` prints it.
  const own = wirewhy(["analyze", REFUSED]).stdout;
  assert.ok(text.stdout.includes(own.trimEnd()), "connection-refused's own report");
  const markdown = wirewhy(["analyze", THINK, REFUSED, "--markdown"]);
  assert.match(markdown.stdout, /^# wirewhy analysis of 2 captures\n/);
  assert.match(markdown.stdout, /\| `connection-refused` \| error \| server-os \| 1 \| 3 \|/);
  assert.match(
    markdown.stdout,
    /## wirewhy analysis of `test\/fixtures\/labs\/server-think-time.pcap`/,
  );
});

test("a directory stands for the captures in it, in name order", () => {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-many-"));
  try {
    copyFileSync(join(repoRoot, THINK), join(dir, "b-think.pcap"));
    copyFileSync(join(repoRoot, REFUSED), join(dir, "a-refused.pcap"));
    writeFileSync(join(dir, "notes.txt"), "not a capture, not by name either\n");
    mkdirSync(join(dir, "sub.pcap"));
    const merged = together([dir]);
    assert.deepEqual(
      merged.captures.map((a) => a.capture.source),
      [join(dir, "a-refused.pcap"), join(dir, "b-think.pcap")],
    );
    assert.equal(merged.summary.packets, 6 + 16);
    assert.equal(merged.summary.exchanges, 3);
    assert.deepEqual(
      merged.captures[1]!.findings,
      alone(THINK).findings,
      "the copy's findings are the original's",
    );
    // A directory without captures: nothing could be read.
    const empty = join(dir, "sub.pcap");
    const r = wirewhy(["analyze", empty, "--json"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no capture in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("one bad file among good ones: reported for itself, the others analyzed, exit 3", () => {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-many-"));
  try {
    const cut = join(dir, "cut.pcap");
    writeFileSync(
      cut,
      readFileSync(join(repoRoot, "examples/slow-endpoint.pcap")).subarray(0, CUT_AT_BYTES),
    );
    const missing = join(dir, "missing.pcap");
    const r = wirewhy(["analyze", THINK, missing, cut, "package.json", "--json", "-j", "2"]);
    assert.equal(r.status, 3, r.stderr);
    const merged = analysesSchema.parse(JSON.parse(r.stdout)) as Analyses;
    assert.deepEqual(
      merged.captures.map((a) => [a.capture.source, a.capture.partial, a.capture.packets]),
      [
        [THINK, false, 16],
        [cut, true, 59],
      ],
    );
    assert.deepEqual(merged.captures[0], alone(THINK));
    assert.deepEqual(
      merged.errors.map((e) => [e.source, e.code]),
      [
        [missing, "WW_ERR_FILE"],
        ["package.json", "WW_ERR_NOT_CAPTURE"],
      ],
    );
    assert.equal(merged.summary.captures, 4);
    assert.equal(merged.summary.unreadable, 2);
    assert.equal(merged.summary.partial, 1);
    // Standard error names the file of each warning and each error.
    assert.match(
      r.stderr,
      new RegExp(`^wirewhy: ${cut}: warning \\[truncated-record\\] at byte`, "m"),
    );
    assert.match(r.stderr, new RegExp(`^wirewhy: cannot open ${missing}`, "m"));
    // Only bad files: nothing could be read, exit 2.
    assert.equal(wirewhy(["analyze", missing, "package.json"]).status, 2);
    // Standard input only on its own: a usage error.
    const stdin = wirewhy(["analyze", "-", THINK]);
    assert.equal(stdin.status, 2);
    assert.equal(stdin.stderr, 'wirewhy: standard input ("-") can only be analyzed on its own\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs the CLI under a pseudo-terminal (stdin, stdout and stderr all the terminal). */
function underTerminal(args: string[]): string {
  const command = [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args]
    .map((a) => `'${a}'`)
    .join(" ");
  const r = spawnSync("script", ["-qfec", command, "/dev/null"], {
    cwd: repoRoot,
    encoding: "utf8",
    input: "",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, WIREWHY_PROGRESS: undefined },
  });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The escape that erases to the end of the line, as the tests show it. */
function visible(text: string): string {
  return text.replaceAll("\u001b[K", "<EL>");
}

test("the progress bar: drawn on a terminal, erased after, never into a pipe", () => {
  const bar = /\rwirewhy \[[#.]{16}\] +\d+% [\d.]+ (B|KiB) of [\d.]+ KiB · /;
  const many = visible(underTerminal(["analyze", THINK, LOSS, "--json"]));
  assert.match(many, bar);
  assert.match(many, /\d\/2 files · \d+\.\d s<EL>/);
  assert.match(many, /\r<EL>\{/, "erased before the report");
  assert.match(underTerminal(["analyze", THINK, "--json"]), bar, "a single file too");
  assert.doesNotMatch(visible(underTerminal(["analyze", THINK, "--no-progress"])), /<EL>/);
  // A pipe: no bar, stderr stays empty (or warnings only).
  for (const args of [[THINK, LOSS], [THINK]]) {
    const r = wirewhy(["analyze", ...args, "--json"], { WIREWHY_PROGRESS: undefined });
    assert.equal(r.stderr, "");
  }
  // WIREWHY_PROGRESS=1 draws it into a pipe anyway (what the tests of the bar itself use).
  const forced = wirewhy(["analyze", THINK, "--json"], { WIREWHY_PROGRESS: "1" });
  assert.match(forced.stderr, bar);
});

test("on a pipe the bar counts packets and packets per second (no size to measure against)", () => {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "analyze", "-", "--json"],
    {
      cwd: repoRoot,
      encoding: "utf8",
      input: readFileSync(join(repoRoot, THINK)),
      env: { ...process.env, NO_COLOR: "1", WIREWHY_PROGRESS: "1" },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(visible(r.stderr), /^\rwirewhy 0 packets · 0 packets\/s · \d+\.\d s<EL>/);
  assert.equal(JSON.parse(r.stdout).capture.packets, 16);
});
