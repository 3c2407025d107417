/**
 * The diagnose engine's parts on their own: re-charging keeps every sum exact, grouping bounds
 * evidence and ranks failures first, the slowest-exchange heap keeps exactly the slowest, the
 * exchange bitmap counts each id once, and the headline's sentences.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Exchange, Phase } from "../exchange/types.ts";
import { type Finding, LAYERS } from "../model/finding.ts";
import { ExchangeMarks, unionCount } from "./exchange-marks.ts";
import { FindingGroups, FRAMES_PER_FINDING } from "./finding-groups.ts";
import { headline } from "./headline.ts";
import { emptyLayerTotals } from "./layer-totals.ts";
import type { Occurrence } from "./occurrence.ts";
import { ProvenIntervals } from "./proven-intervals.ts";
import { moveCharge, rechargeExchange } from "./recharge-phases.ts";
import { FINDING_KIND_BY_NAME } from "./rules/index.ts";
import { SlowestExchanges } from "./slowest-exchanges.ts";

function phase(
  name: Phase["name"],
  startMs: number,
  durationMs: number,
  charges: Phase["charges"],
): Phase {
  return { name, startMs, durationMs, frames: [1, 2], layer: "network", charges };
}

function exchange(id: number, durationMs: number, phases: Phase[] = []): Exchange {
  return {
    id,
    protocol: "http1",
    connection: 0,
    index: id,
    client: "10.0.0.1 40000",
    server: "10.0.0.2 80",
    request: { method: "GET", target: "/", host: "", bytes: 10, firstFrame: 1, lastFrame: 1 },
    response: null,
    outcome: "complete",
    startMs: id,
    durationMs,
    phases,
  };
}

function occurrence(
  kind: string,
  costMs: number,
  frames: number[],
  extra: Partial<Occurrence> = {},
): Occurrence {
  return {
    kind,
    layer: "server-app",
    severity: "info",
    count: 1,
    costMs,
    endpoint: "10.0.0.2:80",
    frames,
    connection: 0,
    exchange: -1,
    facts: { request: "GET /" },
    ...extra,
  };
}

describe("re-charging phases", () => {
  it("moves the overlap of a proven interval to its layer, largest donor first, sums exact", () => {
    const wait = phase("wait", 100, 300, { network: 20, "server-app": 280 });
    const x = exchange(0, 300, [wait]);
    assert.ok(
      rechargeExchange(x, [
        { startMs: 150, endMs: 250, layer: "client-app", kind: "nagle-delayed-ack" },
      ]),
    );
    assert.deepEqual(wait.charges, { network: 20, "server-app": 180, "client-app": 100 });
    assert.equal(wait.layer, "server-app");
  });

  it("never moves more than the phase holds, and leaves a phase outside the interval alone", () => {
    const a = phase("connect", 0, 10, { network: 10 });
    const b = phase("wait", 10, 5, { "server-app": 5 });
    const x = exchange(0, 15, [a, b]);
    rechargeExchange(x, [
      { startMs: -50, endMs: 9.5, layer: "server-os", kind: "accept-queue-overflow" },
    ]);
    assert.deepEqual(a.charges, { network: 0.5, "server-os": 9.5 });
    assert.equal(a.layer, "server-os");
    assert.deepEqual(b.charges, { "server-app": 5 });
    assert.equal(moveCharge(b, "server-app", 3), false, "already all server-app");
  });

  it("merges back-to-back intervals of one cause", () => {
    const intervals = new ProvenIntervals();
    intervals.add(3, 0, 10, "client-os", "receive-window-limited");
    intervals.add(3, 10, 20, "client-os", "receive-window-limited");
    intervals.add(3, 30, 40, "client-os", "receive-window-limited");
    intervals.add(3, 5, 5, "network", "packet-loss");
    assert.deepEqual(
      intervals.of(3)?.map((i) => [i.startMs, i.endMs]),
      [
        [0, 20],
        [30, 40],
      ],
    );
  });
});

describe("grouping occurrences into findings", () => {
  it("one finding per kind and endpoint, with the count, the summed cost and the worst frames", () => {
    const groups = new FindingGroups(FINDING_KIND_BY_NAME);
    for (let i = 0; i < 50; i++) {
      groups.add(occurrence("server-think-time", i, [1000 + i, 2000 + i], { exchange: i }));
    }
    groups.add(occurrence("server-think-time", 5, [7], { endpoint: "10.0.0.3:80" }));
    const findings = groups.findings().map((r) => r.finding);
    assert.equal(findings.length, 2);
    const main = findings[0]!;
    assert.equal(main.count, 50);
    assert.equal(main.costMs, (49 * 50) / 2);
    // Server think time is each request's own: 50 requests that each waited under 50 ms are fast.
    assert.equal(main.severity, "info", "no single request's wait reached 100 ms");
    assert.equal(main.evidence.frames.length, FRAMES_PER_FINDING);
    // The five worst (49..45), two frames each, sorted.
    assert.deepEqual(
      main.evidence.frames,
      [1045, 1046, 1047, 1048, 1049, 2045, 2046, 2047, 2048, 2049],
    );
    assert.deepEqual(main.evidence.exchanges, [49, 48, 47, 46, 45]);
    assert.match(main.title, /1\.23 s server think time over 50 requests/);
  });

  it("a cost summed over a connection's stalls is a warning from 100 ms in all", () => {
    const groups = new FindingGroups(FINDING_KIND_BY_NAME);
    for (let i = 0; i < 5; i++) {
      groups.add(occurrence("nagle-delayed-ack", 40, [10 + i], { layer: "client-app" }));
    }
    const [f] = groups.findings().map((r) => r.finding);
    assert.deepEqual([f!.costMs, f!.severity], [200, "warning"]);
  });

  it("parallel costs count once where their spans overlap", () => {
    const groups = new FindingGroups(FINDING_KIND_BY_NAME);
    groups.add(
      occurrence("client-think-time", 600, [1], { layer: "client-app", spanMs: [0, 1000] }),
    );
    groups.add(
      occurrence("client-think-time", 700, [2], { layer: "client-app", spanMs: [200, 900] }),
    );
    groups.add(
      occurrence("client-think-time", 300, [3], {
        layer: "client-app",
        spansMs: [950, 1100, 1200, 1400],
      }),
    );
    const [f] = groups.findings().map((r) => r.finding);
    // [0, 1100] ∪ [1200, 1400] = 1300 ms, less than the 1600 ms summed.
    assert.equal(f!.costMs, 1300);
  });

  it("ranks failures before costs, and info-capped kinds stay info", () => {
    const groups = new FindingGroups(FINDING_KIND_BY_NAME);
    groups.add(occurrence("client-think-time", 5000, [1], { layer: "client-app" }));
    groups.add(
      occurrence("connection-refused", 0, [2, 3], { layer: "server-os", severity: "error" }),
    );
    groups.add(occurrence("server-think-time", 200, [4, 5], { severity: "warning" }));
    const findings = groups.findings().map((r) => r.finding);
    assert.deepEqual(
      findings.map((f) => [f.kind, f.severity]),
      [
        ["connection-refused", "error"],
        ["server-think-time", "warning"],
        ["client-think-time", "info"],
      ],
    );
  });
});

describe("the slowest exchanges", () => {
  it("keeps exactly the N slowest, slowest first, and counts the rest", () => {
    const heap = new SlowestExchanges(3);
    const durations = [5, 1, 9, 3, 7, 2, 8, 6, 4];
    for (const [i, d] of durations.entries()) heap.offer(exchange(i, d));
    assert.deepEqual(
      heap.sorted().map((x) => x.durationMs),
      [9, 8, 7],
    );
    assert.equal(heap.dropped, durations.length - 3);
  });

  it("bitmaps count each exchange once, and unions count the ids of any set", () => {
    const a = new ExchangeMarks();
    const b = new ExchangeMarks();
    for (const id of [0, 5, 5, 9000]) a.mark(id);
    for (const id of [5, 6, 70000]) b.mark(id);
    assert.equal(a.count, 3);
    assert.equal(unionCount([a, b]), 5);
  });
});

describe("the headline", () => {
  const base: Omit<Finding, "kind" | "layer" | "severity" | "costMs" | "title"> = {
    explanation: "x",
    advice: "y",
    confidence: 1,
    count: 1,
    evidence: { frames: [] },
  };

  it("is quiet when nothing is wrong", () => {
    assert.equal(
      headline({
        exchanges: 10,
        slowExchanges: 0,
        failures: 0,
        failedConnections: 0,
        findings: [],
      }),
      "No problem found: 10 requests, all healthy",
    );
  });

  it("names the main cost's layer and its share of the excess", () => {
    const findings: Finding[] = [
      {
        ...base,
        kind: "server-think-time",
        layer: "server-app",
        severity: "warning",
        costMs: 300,
        title: "300 ms think time on GET /slow",
      },
      {
        ...base,
        kind: "packet-loss",
        layer: "network",
        severity: "warning",
        costMs: 30,
        title: "Packet loss",
      },
    ];
    assert.equal(
      headline({ exchanges: 20, slowExchanges: 3, failures: 0, failedConnections: 0, findings }),
      "3 of 20 requests were slow; 91% of the excess was the server app: 300 ms think time on GET /slow",
    );
  });

  it("names the failure first", () => {
    const findings: Finding[] = [
      {
        ...base,
        kind: "connection-refused",
        layer: "server-os",
        severity: "error",
        costMs: 0,
        title: "Connection refused by 10.0.0.2:80: 1 attempt",
      },
    ];
    assert.equal(
      headline({ exchanges: 4, slowExchanges: 0, failures: 1, failedConnections: 1, findings }),
      "1 of 5 requests failed (the server OS: connection refused by 10.0.0.2:80: 1 attempt)",
    );
  });
});

describe("layer totals", () => {
  it("starts every layer at zero, in LAYERS order (the JSON summary's key order)", () => {
    const totals = emptyLayerTotals();
    assert.deepEqual(Object.keys(totals), [...LAYERS]);
    assert.deepEqual(Object.values(totals), [0, 0, 0, 0, 0, 0]);
  });
});
