/**
 * `wirewhy conns`: the JSON contract (connections and totals.flags with tshark-named counts),
 * --filter, --sort, the text table, and errors with stable exit codes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { parseConnectionFilter } from "../src/report/conns-filter.ts";
import { FLAG_COUNT_KEYS } from "../src/tcp/index.ts";
import { corpusPath, repoRoot, requireCorpus } from "../src/testing/corpus.ts";

function wirewhy(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("conns --json: one object per connection and tshark-named flag totals", async (t) => {
  if (!requireCorpus(t)) return;
  const r = wirewhy("conns", corpusPath("get.pcap"), "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.schema, "wirewhy.conns/1");
  assert.equal(out.connections.length, 1);
  assert.deepEqual(Object.keys(out.totals.flags), [...FLAG_COUNT_KEYS]);
  const c = out.connections[0];
  // tshark -q -z conv,tcp: 141.142.228.5:59856 <-> 192.150.187.43:80, 7 frames 610 bytes one way,
  // 7 frames 5477 bytes the other.
  assert.deepEqual(c.client, { address: "141.142.228.5", port: 59856 });
  assert.deepEqual([c.toServer.segments, c.toServer.bytes], [7, 610]);
  assert.deepEqual([c.toClient.segments, c.toClient.bytes], [7, 5477]);
  assert.equal(c.state, "SF");
});

test("conns --filter and --sort select and order rows", async (t) => {
  if (!requireCorpus(t)) return;
  const r = wirewhy(
    "conns",
    "-r",
    corpusPath("http_espn_fail.pcapng"),
    "--filter",
    "state S0 and not port 443",
    "--sort",
    "packets",
    "--reverse",
    "--json",
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.connections.map((c: { stream: number }) => c.stream),
    [2, 3, 4, 5, 6, 9, 13, 14, 15],
  );
  assert.equal(out.totals.flags.retransmission, 84);
  assert.equal(out.totals.flags.keepAlive, 11);
  assert.equal(out.totals.connections, 16);
});

test("conns prints a table with roles, state and resets", async (t) => {
  if (!requireCorpus(t)) return;
  const r = wirewhy("conns", corpusPath("tcp_refuseconnection.pcapng"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^0 {2}192\.168\.100\.138:3372 {2}192\.168\.100\.1:80 {2}REJ +Sr /m);
  assert.match(r.stdout, /1 by server \(refused\)/);
  // A legend for the codes the table shows, and only those.
  assert.match(r.stdout, /^state {2}REJ rejected$/m);
  assert.match(r.stdout, /^history {2}S SYN · R RST \(upper case: the client's\)$/m);
  assert.ok(!r.stdout.includes("\u001b["), "NO_COLOR must give plain text");
});

test("conns: a bad filter or sort key is a usage error (exit 2)", () => {
  const r = wirewhy("conns", "/nonexistent.pcap", "--filter", "port");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /"port" needs a value/);
  const s = wirewhy("conns", "/nonexistent.pcap", "--sort", "colour");
  assert.equal(s.status, 2);
});

test("filter expressions: and, or, not, parentheses", () => {
  const base = {
    stream: 1,
    client: { address: "10.0.0.1", port: 50000 },
    server: { address: "10.0.0.2", port: 443 },
    state: "SF",
    vantage: { kind: "client-side" },
    flags: { retransmission: 2, reset: 0, zeroWindow: 0, lostSegment: 0 },
  } as unknown as Parameters<ReturnType<typeof parseConnectionFilter>>[0];
  const yes = (f: string) => parseConnectionFilter(f)(base);
  assert.equal(yes("port 443"), true);
  assert.equal(yes("port 80"), false);
  assert.equal(yes("host 10.0.0.1 retrans"), true);
  assert.equal(yes("reset or (state sf and not port 80)"), true);
  assert.equal(yes("server 10.0.0.1"), false);
  assert.equal(yes(""), true);
  assert.throws(() => parseConnectionFilter("port 443 )"), /unexpected/);
  assert.throws(() => parseConnectionFilter("colour red"), /unknown term/);
});
