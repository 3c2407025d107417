/**
 * The one-file CLI bundle (scripts/bundle-cli.ts), which an installed package and the benchmarks
 * run: built here into node_modules/.cache (where `commander` and `picocolors` still resolve), it
 * must print exactly what the TypeScript sources print, and exit the same way, on the bundled
 * example capture and on a file that is not a capture.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bundleCli } from "../scripts/bundle-cli.ts";
import { repoRoot } from "../src/testing/corpus.ts";

const OUT_DIR = join(repoRoot, "node_modules", ".cache", "wirewhy-bundle-test");
const BUNDLE = join(OUT_DIR, "cli", "wirewhy.js");

function run(entry: string[], args: string[]) {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the bundled CLI prints what the sources print", async () => {
  rmSync(OUT_DIR, { recursive: true, force: true });
  await bundleCli(BUNDLE);
  assert.ok(existsSync(BUNDLE), "bundle written");
  const source = ["--import", "tsx", "src/cli/main.ts"];
  const cases = [
    ["info", "examples/slow-endpoint.pcap", "--json"],
    ["packets", "examples/slow-endpoint.pcap", "-c", "12"],
    ["conns", "examples/slow-endpoint.pcap", "--json"],
    ["exchanges", "examples/slow-endpoint.pcap", "--json"],
    ["analyze", "examples/slow-endpoint.pcap", "--json"],
    ["analyze", "examples/slow-endpoint.pcap", "--markdown"],
    ["lab", "list", "--json"],
    ["analyze", "package.json"],
  ];
  for (const args of cases) {
    const expected = run(source, args);
    const got = run([BUNDLE], args);
    assert.equal(got.status, expected.status, `exit code of ${args.join(" ")}`);
    assert.equal(got.stdout, expected.stdout, `stdout of ${args.join(" ")}`);
    assert.equal(got.stderr, expected.stderr, `stderr of ${args.join(" ")}`);
  }
  // The analysis is a real one, not two equal failures: 3 slow requests and a refused connection.
  const analysis = JSON.parse(
    run([BUNDLE], ["analyze", "examples/slow-endpoint.pcap", "--json"]).stdout,
  );
  assert.equal(analysis.summary.exchanges, 20);
  assert.deepEqual(
    analysis.findings.map((f: { kind: string }) => f.kind),
    ["connection-refused", "server-think-time"],
  );
  assert.equal(run([BUNDLE], ["analyze", "package.json"]).status, 2);
  rmSync(OUT_DIR, { recursive: true, force: true });
});
