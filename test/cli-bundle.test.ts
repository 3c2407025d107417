/**
 * The one-file CLI bundle (scripts/bundle-cli.ts), which an installed package and the benchmarks
 * run: built here into node_modules/.cache (where `commander` and `picocolors` still resolve) with
 * a copy of bin/ beside it, laid out as an installed package (no src/), it must print exactly what
 * the TypeScript sources print, and exit the same way, on the bundled example capture and on a
 * file that is not a capture, and on several captures at once (worker threads, which the bundle
 * starts from its own dist/cli/analyze-worker.cjs); and V8 must accept the code cache written with
 * it, or one a run wrote anew after V8 rejected the old.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import type { Script } from "node:vm";
import { bundleCli } from "../scripts/bundle-cli.ts";
import { repoRoot } from "../src/testing/corpus.ts";

const { bundleScript } = createRequire(import.meta.url)("../bin/load-bundle.cjs") as {
  bundleScript: (bundle: string, cachedData?: Buffer) => Script;
};

const OUT_DIR = join(repoRoot, "node_modules", ".cache", "wirewhy-bundle-test");
const BUNDLE = join(OUT_DIR, "dist", "cli", "wirewhy.cjs");
const BIN = join(OUT_DIR, "bin", "wirewhy.js");

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
  mkdirSync(join(OUT_DIR, "bin"));
  for (const file of ["wirewhy.js", "entry-choice.js", "load-bundle.cjs"]) {
    copyFileSync(join(repoRoot, "bin", file), join(OUT_DIR, "bin", file));
  }
  // The code cache is V8's own format: this Node must take it, or the bundle starts no faster.
  const script = bundleScript(BUNDLE, readFileSync(`${BUNDLE}.cache`));
  assert.equal(script.cachedDataRejected, false, "code cache accepted");
  const sources = ["--import", "tsx", "src/cli/main.ts"];
  const cases = [
    ["info", "examples/slow-endpoint.pcap", "--json"],
    ["packets", "examples/slow-endpoint.pcap", "-c", "12"],
    ["conns", "examples/slow-endpoint.pcap", "--json"],
    ["exchanges", "examples/slow-endpoint.pcap", "--json"],
    ["analyze", "examples/slow-endpoint.pcap", "--json"],
    ["analyze", "examples/slow-endpoint.pcap", "--markdown"],
    ["lab", "list", "--json"],
    ["analyze", "package.json"],
    // Several captures: the bundle's worker threads (dist/cli/analyze-worker.cjs beside it).
    [
      "analyze",
      "--json",
      "--jobs",
      "2",
      "examples/slow-endpoint.pcap",
      "test/fixtures/labs/server-think-time.pcap",
      "package.json",
    ],
  ];
  for (const args of cases) {
    const expected = run(sources, args);
    const got = run([BIN], args);
    assert.equal(got.status, expected.status, `exit code of ${args.join(" ")}`);
    assert.equal(got.stdout, expected.stdout, `stdout of ${args.join(" ")}`);
    assert.equal(got.stderr, expected.stderr, `stderr of ${args.join(" ")}`);
  }
  // The analysis is a real one, not two equal failures: 3 slow requests and a refused connection.
  const analysis = JSON.parse(
    run([BIN], ["analyze", "examples/slow-endpoint.pcap", "--json"]).stdout,
  );
  assert.equal(analysis.summary.exchanges, 20);
  assert.deepEqual(
    analysis.findings.map((f: { kind: string }) => f.kind),
    ["connection-refused", "server-think-time"],
  );
  assert.equal(run([BIN], ["analyze", "package.json"]).status, 2);
  const many = JSON.parse(
    run([BIN], ["analyze", "--json", "-j", "2", "examples/slow-endpoint.pcap", "examples"]).stdout,
  );
  assert.equal(many.schema, "wirewhy.analyses/1");
  assert.equal(many.captures[0].summary.exchanges, 20);
  assert.deepEqual(
    many.captures.map((a: { capture: { source: string } }) => a.capture.source),
    [
      "examples/slow-endpoint.pcap",
      "examples/healthy-keep-alive.pcap",
      "examples/loopback-http.pcap",
      "examples/slow-endpoint.pcap",
    ],
  );
  assert.equal(many.summary.analyzed, 4);
  // A cache V8 rejects (after a Node upgrade, say) is written anew by the next run.
  writeFileSync(`${BUNDLE}.cache`, "not a code cache");
  assert.equal(run([BIN], ["info", "examples/slow-endpoint.pcap"]).status, 0);
  const rewritten = bundleScript(BUNDLE, readFileSync(`${BUNDLE}.cache`));
  assert.equal(rewritten.cachedDataRejected, false, "rejected code cache rewritten");
  rmSync(OUT_DIR, { recursive: true, force: true });
});
