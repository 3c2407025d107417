/**
 * `wirewhy exchanges` as users run it: the table, the streamed JSON object, --filter, -c and
 * standard input, and exit codes. bin/wirewhy.js runs the TypeScript source in a checkout, so it
 * tests this checkout whether or not dist/ was built.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/testing/corpus.ts";
import { runCli as run } from "../src/testing/run-cli.ts";

const EXAMPLE = "examples/loopback-http.pcap";

test("exchanges: one row per exchange with its phases, then a count", async () => {
  const r = await run(["exchanges", EXAMPLE]);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 12);
  assert.match(lines[0], /^\s+#\s+conn proto\s+request\s+status/);
  assert.match(
    lines[1],
    /^\s+0\s+0 http1\s+GET \/\s+200\s+2\.8\s+65 B \/ 662 B\s+complete\s+connect 0\.1 · idle 1\.3 · wait 1\.4$/,
  );
  assert.match(lines[4], /GET \/slow\s+200\s+322 .* idle 21 · wait 301$/);
  assert.equal(lines[11], "10 of 10 exchanges shown (0 DNS lookups) on 2 TCP connections");
});

test("exchanges --json: one object with every exchange and a summary", async () => {
  const r = await run(["exchanges", "--json", "-r", EXAMPLE]);
  assert.equal(r.code, 0);
  const out = JSON.parse(r.stdout);
  assert.equal(out.schema, "wirewhy.exchanges/1");
  assert.equal(out.source, EXAMPLE);
  assert.equal(out.exchanges.length, 10);
  assert.deepEqual(out.exchanges[3].request, {
    method: "GET",
    target: "/slow",
    host: "127.0.0.1:37965",
    bytes: 69,
    firstFrame: 12,
    lastFrame: 12,
  });
  assert.deepEqual(out.summary, {
    exchanges: 10,
    dnsTransactions: 0,
    connections: 2,
    packets: 34,
    anomalies: {},
    shown: 10,
  });
});

test("exchanges --filter picks by connection; a bad filter exits 2", async () => {
  const none = await run(["exchanges", "--json", "--filter", "port 1", EXAMPLE]);
  assert.equal(none.code, 0);
  assert.equal(JSON.parse(none.stdout).exchanges.length, 0);
  const all = await run(["exchanges", "--json", "--filter", "port 37965 and state SF", EXAMPLE]);
  assert.equal(JSON.parse(all.stdout).exchanges.length, 10);
  const bad = await run(["exchanges", "--filter", "port x", EXAMPLE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"x" is not a port/);
});

test("exchanges --filter on the exchange itself: status, method, path, slow, layer, failed", async () => {
  const count = async (expr: string, file = "examples/slow-endpoint.pcap") => {
    const r = await run(["exchanges", "--json", "--filter", expr, file]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout).exchanges as { request: { target: string } }[]).map(
      (x) => x.request.target,
    );
  };
  // The example's three GET /api/report wait ~301 ms each (tshark's http.time).
  assert.deepEqual(await count("method GET and slow 250ms"), [
    "/api/report",
    "/api/report",
    "/api/report",
  ]);
  assert.deepEqual(await count("path /api and layer server-app"), [
    "/api/report",
    "/api/report",
    "/api/report",
  ]);
  assert.deepEqual(await count("slow 0.25s"), await count("slow 250ms"));
  const http500 = "src/diagnose/testing/fixtures/http-500.pcap";
  assert.deepEqual(await count("status 5xx", http500), ["/fail"]);
  assert.deepEqual(await count("status 500 or status 404", http500), ["/fail"]);
  assert.deepEqual(await count("not status 2xx", http500), ["/fail"]);
  assert.deepEqual(await count("failed", http500), []);
  const layer = await run(["exchanges", "--filter", "layer servr-app", EXAMPLE]);
  assert.equal(layer.code, 2);
  assert.match(layer.stderr, /"servr-app" is not a layer \(client-app, /);
  const bad = await run(["exchanges", "--filter", "statuss 5xx", EXAMPLE]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /unknown term "statuss" \(valid terms: .*status VALUE.*slow VALUE.*failed/,
  );
});

test("exchanges reads standard input and stops after -c packets", async () => {
  const r = await run(["exchanges", "--json", "-c", "9", "-"], {
    input: readFileSync(join(repoRoot, EXAMPLE)),
  });
  assert.equal(r.code, 0);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.exchanges.map((x: { request: { target: string } }) => x.request.target),
    ["/", "/a"],
  );
  assert.equal(out.summary.packets, 9);
});
