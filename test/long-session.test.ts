/**
 * Per-request work on one long connection must not grow with the requests before it (issue 17:
 * pipelining, long keep-alive sessions, long generic-turn sessions). No timing: the tests count
 * the array elements that Array methods walk or move (shift, splice, indexOf, includes, find...)
 * while a whole analysis runs, for N and 2N requests on one connection, and require the count to
 * grow no faster than the requests; a queue shifted from the front of an ever longer array, or a
 * list scanned whole for every exchange, makes it grow with N².
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { analyzeCapture } from "../src/diagnose/analyze-capture.ts";
import type { Analysis } from "../src/diagnose/types.ts";
import { type SessionOptions, sessionCapture } from "../src/testing/session-capture.ts";

const dir = mkdtempSync(join(tmpdir(), "wirewhy-long-session-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type ArrayMethod = "shift" | "splice" | "indexOf" | "includes" | "findIndex" | "find" | "some";
const COUNTED: ArrayMethod[] = [
  "shift",
  "splice",
  "indexOf",
  "includes",
  "findIndex",
  "find",
  "some",
];

/** Runs `body` with every counted Array method adding the length of its array to the total. */
async function countArrayWork<T>(body: () => Promise<T>): Promise<{ result: T; elements: number }> {
  const proto = Array.prototype as unknown as Record<ArrayMethod, (...args: unknown[]) => unknown>;
  const originals = COUNTED.map((name) => proto[name]);
  let elements = 0;
  COUNTED.forEach((name, i) => {
    const original = originals[i]!;
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      elements += this.length;
      return original.apply(this, args);
    };
  });
  try {
    const result = await body();
    return { result, elements };
  } finally {
    COUNTED.forEach((name, i) => {
      proto[name] = originals[i]!;
    });
  }
}

async function analyzeSession(name: string, o: SessionOptions) {
  const path = join(dir, `${name}-${o.requests}.pcap`);
  writeFileSync(path, sessionCapture(o));
  return countArrayWork<Analysis>(() => analyzeCapture(path));
}

const N = 1_500;

/** Shapes and their N (a pipeline of every request stays within the 1024 requests waiting that the
 * exchange stage pairs: past that the oldest are given up as unanswered). */
const SHAPES: [string, Omit<SessionOptions, "requests">, number?][] = [
  ["steady pipeline, 8 outstanding", { shape: "pipelined", pipelineDepth: 8 }],
  ["every request sent before the first response", { shape: "pipelined", pipelineDepth: 1e9 }, 500],
  ["pipelined bursts in one segment each way", { shape: "pipelined", coalesce: true }],
  ["sequential keep-alive", { shape: "sequential" }],
  ["sequential keep-alive, each body 30 ms late", { shape: "sequential", stallUs: 30_000 }],
  ["generic turns on an unknown port", { shape: "turns" }],
];

describe("per-request work on one long connection", () => {
  for (const [name, shape, n = N] of SHAPES) {
    it(`${name}: array work grows with the requests, not their square`, async () => {
      const file = name.replace(/\W+/g, "-");
      const small = await analyzeSession(file, { ...shape, requests: n });
      const large = await analyzeSession(file, { ...shape, requests: 2 * n });
      assert.equal(small.result.summary.exchanges, n);
      assert.equal(large.result.summary.exchanges, 2 * n);
      // Linear work doubles; a quadratic term quadruples. Fixed per-capture work (the report's
      // lists) keeps the ratio below 2.
      const ratio = large.elements / Math.max(1, small.elements);
      assert.ok(
        ratio < 2.3,
        `${small.elements} elements walked for ${n} requests, ${large.elements} for ${2 * n} (×${ratio.toFixed(2)})`,
      );
    });
  }
});

describe("a long session's stalls", () => {
  it("are all re-charged to the app that made them, not only the connection's first ones", async () => {
    // Each response's body comes 30 ms after its head was acknowledged: slow-response-body
    // proves the 30 ms to the server app, on every request of the session (more stalls than
    // the intervals a connection keeps: its latest are kept).
    const requests = 1_000;
    const path = join(dir, "stalls.pcap");
    writeFileSync(path, sessionCapture({ shape: "sequential", requests, stallUs: 30_000 }));
    const a = await analyzeCapture(path);
    assert.equal(a.summary.exchanges, requests);
    const serverAppMs = a.summary.byLayer["server-app"];
    assert.ok(serverAppMs >= requests * 29.9, `server-app ${serverAppMs} ms`);
    assert.ok(a.summary.byLayer.network < requests * 1, `network ${a.summary.byLayer.network} ms`);
  });
});
