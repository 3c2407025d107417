/**
 * The analyze renderers (terminal text, Markdown, waterfall, layer bar) on hand-made Analysis
 * values modelled on real captures: examples/slow-endpoint.pcap (a keep-alive client, GET
 * /api/report thinking 300 ms, then a refused connection: frames and times as tshark shows them),
 * a refused connection alone, and a healthy keep-alive capture. Colours are off (NO_COLOR), so
 * every layer draws with its own glyph and the cells can be counted.
 */
import assert from "node:assert/strict";
import test from "node:test";

process.env.NO_COLOR = "1";
const { ANALYSIS_SCHEMA } = await import("../src/diagnose/types.ts");
const { renderAnalysisText } = await import("../src/report/analysis-text.ts");
const { renderAnalysisMarkdown } = await import("../src/report/analysis-markdown.ts");
const { waterfallLines, phaseBar } = await import("../src/report/waterfall-text.ts");
const { layerBar } = await import("../src/report/analysis-layer-bar.ts");
const { findingLines } = await import("../src/report/finding-text.ts");
const { emptyLayerTotals } = await import("../src/diagnose/layer-totals.ts");

import type { Analysis } from "../src/diagnose/types.ts";
import type { Exchange, Phase } from "../src/exchange/types.ts";
import type { Finding, Layer } from "../src/model/finding.ts";

const LOOPBACK = {
  kind: "loopback" as const,
  confidence: 0.95,
  evidence: ["every packet is 127.0.0.1 to 127.0.0.1"],
};

function phase(
  name: Phase["name"],
  startMs: number,
  durationMs: number,
  frames: number[],
  charges: Partial<Record<Layer, number>>,
): Phase {
  let layer: Layer = "network";
  let most = -1;
  for (const [l, ms] of Object.entries(charges) as [Layer, number][]) {
    if (ms > most) {
      most = ms;
      layer = l;
    }
  }
  return { name, startMs, durationMs, frames, layer, charges };
}

function http(
  id: number,
  index: number,
  target: string,
  startMs: number,
  phases: Phase[],
  frames: { request: number; response: number; ack: number },
): Exchange {
  const durationMs = phases.reduce((sum, p) => sum + p.durationMs, 0);
  return {
    id,
    protocol: "http1",
    connection: 0,
    index,
    client: "127.0.0.1:55544",
    server: "127.0.0.1:8080",
    request: {
      method: "GET",
      target,
      host: "127.0.0.1:8080",
      bytes: 74,
      firstFrame: frames.request,
      lastFrame: frames.request,
    },
    response: {
      status: 200,
      bytes: 1050,
      firstFrame: frames.response,
      lastFrame: frames.response,
      ackFrame: frames.ack,
    },
    outcome: "complete",
    startMs,
    durationMs,
    phases,
  };
}

// GET /api/report at frames 49 (request, 13.551 ms) and 51 (response, 314.723 ms): 301.172 ms wait.
const slowReport = http(
  3,
  3,
  "/api/report",
  10.982,
  [
    phase("idle", 10.982, 2.569, [48, 49], { "client-app": 2.569 }),
    phase("request", 13.551, 0, [49, 49], {}),
    phase("wait", 13.551, 301.172, [49, 51], { "server-app": 301.162, network: 0.01 }),
    phase("response", 314.723, 0, [51, 51], {}),
  ],
  { request: 49, response: 51, ack: 52 },
);
// GET /api/items at frames 47 and 48: 2.436 ms idle, 0.156 ms wait.
const fastItems = http(
  2,
  2,
  "/api/items",
  8.39,
  [
    phase("idle", 8.39, 2.436, [46, 47], { "client-app": 2.436 }),
    phase("request", 10.826, 0, [47, 47], {}),
    phase("wait", 10.826, 0.156, [47, 48], { "server-app": 0.146, network: 0.01 }),
    phase("response", 10.982, 0, [48, 48], {}),
  ],
  { request: 47, response: 48, ack: 49 },
);

function finding(partial: Partial<Finding> & Pick<Finding, "kind" | "layer">): Finding {
  return {
    severity: "warning",
    costMs: 0,
    title: partial.kind,
    explanation: "",
    advice: "",
    confidence: 0.9,
    count: 1,
    evidence: { frames: [] },
    ...partial,
  };
}

const thinkTime = finding({
  kind: "server-think-time",
  layer: "server-app",
  severity: "warning",
  costMs: 902.844,
  count: 3,
  endpoint: "127.0.0.1:8080",
  title: "The server took 300 ms to answer GET /api/report",
  explanation:
    "Between the last request byte and the first response byte the server's application was busy; on loopback the network's share is nil.",
  advice: "Profile the /api/report handler: a query, a lock or an upstream call takes 300 ms.",
  evidence: { frames: [49, 51, 66, 68, 80, 82], connections: [0], exchanges: [3, 8, 14] },
});
const refused = finding({
  kind: "connection-refused",
  layer: "server-os",
  severity: "error",
  costMs: 0.011,
  endpoint: "127.0.0.1:9090",
  title: "Connection refused: nothing listens on 127.0.0.1:9090",
  explanation: "The server's kernel answered the SYN (frame 97) with RST/ACK (frame 98).",
  advice: "Start the service on port 9090, or point the client at the right port.",
  confidence: 1,
  evidence: { frames: [97, 98], connections: [1] },
});

const byLayer = (charges: Partial<Record<Layer, number>>): Record<Layer, number> => ({
  ...emptyLayerTotals(),
  ...charges,
});

function analysis(parts: Partial<Analysis> & Pick<Analysis, "summary">): Analysis {
  return {
    schema: ANALYSIS_SCHEMA,
    capture: {
      source: "examples/slow-endpoint.pcap",
      format: "pcap",
      packets: 98,
      first: "2026-11-26T01:40:00.000Z",
      last: "2026-11-26T01:40:00.983Z",
      durationMs: 983.418,
      warnings: [],
      partial: false,
    },
    vantage: LOOPBACK,
    exchanges: [],
    exchangesOmitted: 0,
    findings: [],
    assumptions: ["server think time counts from the last request byte to the first response byte"],
    ...parts,
  };
}

const slowEndpoint = analysis({
  summary: {
    connections: 2,
    exchanges: 20,
    slowExchanges: 3,
    failures: 1,
    failedConnections: 1,
    failedConnectionsMs: 0,
    totalMs: 960.0,
    byLayer: byLayer({ "server-app": 905.2, "client-app": 54.6, network: 0.2 }),
    headline:
      "3 of 20 requests were slow and 1 connection was refused; 94% of the time was the server app: 300 ms think time on GET /api/report.",
  },
  exchanges: [slowReport, fastItems],
  exchangesOmitted: 18,
  findings: [refused, thinkTime],
});

test("text report: headline, layer bar to scale, findings with evidence, waterfall, assumptions", () => {
  const text = renderAnalysisText(slowEndpoint);
  const lines = text.split("\n");
  assert.equal(lines[0], "wirewhy analyze examples/slow-endpoint.pcap");
  assert.equal(
    lines[1],
    "pcap, 98 packets over 983 ms, 2 connections, 20 exchanges · vantage loopback (95% sure)",
  );
  // The headline, wrapped at 100 columns.
  assert.deepEqual(lines.slice(3, 5), [
    "3 of 20 requests were slow and 1 connection was refused; 94% of the time was the server app: 300 ms",
    "think time on GET /api/report.",
  ]);
  // 60 cells: client-app 54.6/960 → 3, server-app 905.2/960 → 57 (network's 0.2 ms rounds away).
  const bar = lines.find((l) => /^ {2}[░═█]+$/.test(l));
  assert.ok(bar, text);
  assert.equal(bar.trim(), `${"░".repeat(3)}${"█".repeat(57)}`);
  assert.ok(
    text.includes("█ server-app 905 ms (94%)  ░ client-app 54.6 ms (6%)  ═ network 0.20 ms (<1%)"),
  );
  // Failures first: the refused connection is finding 1 even though it cost nothing.
  const first = lines.findIndex((l) => l.startsWith(" 1. error   [server-os] Connection refused"));
  const second = lines.findIndex((l) =>
    l.startsWith(" 2. warning [server-app] The server took 300 ms"),
  );
  assert.ok(first > 0 && second > first, text);
  assert.ok(lines[second].includes("(server-think-time, 3×, 903 ms)"));
  assert.ok(
    text.includes(
      // The evidence wraps at 100 columns like the prose.
      "      frames 49, 51, 66, 68, 80, 82 · connection 0 · exchanges 3, 8, 14 · 127.0.0.1:8080 ·\n      confidence 90%\n",
    ),
  );
  assert.ok(text.includes("frames 97, 98 · connection 1 · 127.0.0.1:9090 · confidence 100%"));
  assert.ok(text.includes("Slowest exchanges (2 of 20"));
  // The slowest exchange fills the 40-cell bar: 2.569 ms idle → 0 cells, 301.172 ms wait → 40.
  const row = lines.find((l) => l.includes("#3  GET /api/report"));
  assert.ok(row, text);
  assert.match(row, /#3 {2}GET \/api\/report +200 +304 ms +0 {2}█{40}$/);
  assert.ok(text.includes("idle 2.57 ms client-app · wait 301 ms server-app"));
  assert.ok(
    text.endsWith(
      "\nAssumed\n  · server think time counts from the last request byte to the first response byte\n",
    ),
  );
});

test("waterfall: phases by their charges to one scale; the legend names the layers drawn", () => {
  // GET /api/items (2.592 ms) on the scale of GET /api/report (303.741 ms): 0 cells.
  assert.equal(phaseBar(fastItems, slowReport.durationMs, 40, false), "·");
  // On its own scale: idle 2.436/2.592·40 = 37.6 → 38 cells client-app, then the wait's 2.
  assert.equal(
    phaseBar(fastItems, fastItems.durationMs, 40, false),
    `${"░".repeat(38)}${"█".repeat(2)}`,
  );
  const lines = waterfallLines([slowReport, fastItems], { color: false, barChars: 20 });
  assert.equal(lines.length, 1 + 2 * 2 + 1);
  assert.ok(lines[0].endsWith("304 ms"), lines[0]);
  assert.match(lines[1], /█{20}$/);
  assert.equal(lines[5].trim(), "░ client-app  ═ network  █ server-app");
});

test("layer bar: cumulative rounding keeps the width exact", () => {
  const bar = layerBar(byLayer({ "client-app": 1, network: 1, "server-app": 1 }), 3, 10, false);
  assert.equal(bar, "░░░════███");
  assert.equal(layerBar(byLayer({}), 0, 10, false), "");
});

test("markdown report: tables, glyph bars, no colour codes", () => {
  const md = renderAnalysisMarkdown(slowEndpoint);
  assert.ok(!md.includes("\u001b["));
  assert.ok(md.startsWith("## wirewhy analysis of `examples/slow-endpoint.pcap`\n"));
  assert.ok(md.includes(`**${slowEndpoint.summary.headline}**`));
  assert.ok(
    md.includes(
      "| layer | time | share |\n|---|---:|---:|\n| server-app | 905 ms | 94% |\n| client-app | 54.6 ms | 6% |\n| network | 0.20 ms | <1% |\n| **all of 20 exchanges** | 960 ms | 100% |",
    ),
  );
  assert.ok(
    md.includes(
      "| 1 | error | server-os | Connection refused: nothing listens on 127.0.0.1:9090 (`connection-refused`) | 0.01 ms | 1 | frames 97, 98 · connection 1 · 127.0.0.1:9090 · confidence 100% |",
    ),
    md,
  );
  assert.ok(
    md.includes(
      "| 2 | warning | server-app | The server took 300 ms to answer GET /api/report (`server-think-time`) | 903 ms | 3 |",
    ),
  );
  assert.ok(
    md.includes(
      `| 3 | GET /api/report | 200 | 304 ms | 0 | idle 2.57 ms client-app · wait 301 ms server-app | \`${"█".repeat(30)}\` |`,
    ),
    md,
  );
  assert.ok(md.includes("*What to do:* Start the service on port 9090"));
  assert.ok(md.includes("### Assumed\n\n- server think time counts from the last request byte"));
});

test("a refused connection alone: the failure leads, no waterfall without exchanges", () => {
  const text = renderAnalysisText(
    analysis({
      capture: { ...slowEndpoint.capture, source: "refused.pcap", packets: 2, durationMs: 0.011 },
      summary: {
        connections: 1,
        exchanges: 0,
        slowExchanges: 0,
        failures: 1,
        failedConnections: 1,
        failedConnectionsMs: 0,
        totalMs: 0,
        byLayer: byLayer({}),
        headline: "The only connection attempt was refused: nothing listens on 127.0.0.1:9090.",
      },
      findings: [refused],
      assumptions: [],
    }),
  );
  // Without assumptions of its own, the report still says which vantage it assumed.
  assert.ok(
    text.includes("  · captured at the loopback vantage, 95% sure: every packet is 127.0.0.1"),
  );
  assert.ok(text.includes("The only connection attempt was refused"));
  assert.ok(text.includes("(no exchange took any time)"));
  assert.ok(text.includes(" 1. error   [server-os] Connection refused"));
  assert.ok(!text.includes("Slowest exchanges"));
});

test("healthy capture: one line and the counts, informational findings only counted", () => {
  const healthy = analysis({
    capture: { ...slowEndpoint.capture, source: "healthy.pcap", packets: 86 },
    summary: {
      connections: 1,
      exchanges: 20,
      slowExchanges: 0,
      failures: 0,
      failedConnections: 0,
      failedConnectionsMs: 0,
      totalMs: 58.3,
      byLayer: byLayer({ "client-app": 55.1, "server-app": 3.0, network: 0.2 }),
      headline: "All 20 requests were fast (slowest 0.41 ms).",
    },
    exchanges: [fastItems],
    findings: [
      finding({ kind: "idle-client", layer: "client-app", severity: "info", costMs: 55.1 }),
    ],
  });
  const text = renderAnalysisText(healthy);
  assert.equal(
    text,
    [
      "✓ healthy: All 20 requests were fast (slowest 0.41 ms).",
      "  healthy.pcap: pcap, 86 packets over 983 ms, 1 connection, 20 exchanges · vantage loopback (95% sure)",
      "  (1 informational finding: -v or --json lists them)",
      "",
    ].join("\n"),
  );
  // -v (or --all): the whole report, the informational finding in full.
  const verbose = renderAnalysisText(healthy, { verbose: true });
  assert.ok(verbose.includes("✓ healthy: All 20 requests were fast (slowest 0.41 ms)."));
  assert.ok(verbose.includes("Findings (1)"));
  assert.match(verbose, / 1\. info {4}\[client-app\]/);
  assert.ok(!verbose.includes("-v or --json lists them"));
  const md = renderAnalysisMarkdown(healthy);
  assert.ok(md.startsWith("**Healthy:** All 20 requests were fast"));
  assert.ok(!md.includes("|"));
});

test("partial capture: the report says what it covers", () => {
  const text = renderAnalysisText({
    ...slowEndpoint,
    capture: {
      ...slowEndpoint.capture,
      packets: 60,
      partial: true,
      warnings: [
        { code: "truncated-record", message: "record cut short", offsetBytes: 41234, frame: 61 },
      ],
    },
  });
  assert.ok(
    text.includes(
      "⚠ partial: the analysis covers the first 60 packets (reading stopped at byte 41234: truncated-record)",
    ),
  );
});

test("finding lines: a finding without evidence prints no evidence line", () => {
  const lines = findingLines(
    finding({
      kind: "http-server-error",
      layer: "server-app",
      title: "HTTP 503",
      explanation: "x",
      advice: "y",
    }),
  );
  assert.deepEqual(lines, [
    "warning [server-app] HTTP 503 (http-server-error)",
    "      x",
    "      → y",
  ]);
});

test("a kind already explained is printed briefly: title and evidence", () => {
  const rtt = (endpoint: string, costMs: number, frame: number) =>
    finding({
      kind: "network-round-trips",
      layer: "network",
      severity: "info",
      costMs,
      endpoint,
      title: `${costMs} ms of round trips`,
      explanation: "Packets take time to cross the path.",
      advice: "Reuse connections.",
      evidence: { frames: [frame], connections: [frame] },
    });
  const text = renderAnalysisText({
    ...slowEndpoint,
    findings: [thinkTime, rtt("10.0.0.2:80", 155, 6), rtt("10.0.0.3:80", 84.5, 17)],
  });
  assert.equal(text.split("Packets take time to cross the path.").length, 2);
  assert.ok(
    text.includes(
      " 3. info    [network] 84.5 ms of round trips (network-round-trips, 84.5 ms)\n      frame 17 · connection 17 · 10.0.0.3:80 · confidence 90%\n",
    ),
    text,
  );
});

test("milliseconds: digits by magnitude, seconds from one second", async () => {
  const { formatMs } = await import("../src/report/analysis-duration-text.ts");
  assert.deepEqual([0, 0.004, 0.16, 2.569, 54.6, 905.2, 1450, 67403.061, 461770].map(formatMs), [
    "0 ms",
    "0.004 ms",
    "0.16 ms",
    "2.57 ms",
    "54.6 ms",
    "905 ms",
    "1.45 s",
    "67.4 s",
    "462 s",
  ]);
});
