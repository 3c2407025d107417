/**
 * bin/entry-choice.js: a checkout runs the compiled CLI when it was built after every source file
 * changed (fast start), the source through tsx after an edit (never a stale build); an installed
 * package (no src/) runs dist/; WIREWHY_SOURCE=1 and WIREWHY_DIST=1 force either.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
// @ts-expect-error: plain JavaScript without types, the bin's own module.
import { chooseEntry } from "../bin/entry-choice.js";

function touch(path: string, atSec: number): void {
  writeFileSync(path, "");
  utimesSync(path, atSec, atSec);
}

test("dist when built after the last source change, the source after an edit", (t) => {
  const root = mkdtempSync(join(tmpdir(), "wirewhy-entry-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "src/cli"), { recursive: true });
  mkdirSync(join(root, "src/deep/er"), { recursive: true });
  mkdirSync(join(root, "dist/cli"), { recursive: true });
  touch(join(root, "src/cli/main.ts"), 1000);
  touch(join(root, "src/deep/er/x.ts"), 1000);
  // A checkout never built: the source.
  assert.equal(chooseEntry(root, {}), "source");
  touch(join(root, "dist/cli/wirewhy.cjs"), 2000);
  assert.equal(chooseEntry(root, {}), "bundle");
  assert.equal(chooseEntry(root, { WIREWHY_SOURCE: "1" }), "source");
  // A file deep in src/ edited after the build: the build is stale.
  utimesSync(join(root, "src/deep/er/x.ts"), 3000, 3000);
  assert.equal(chooseEntry(root, {}), "source");
  assert.equal(chooseEntry(root, { WIREWHY_DIST: "1" }), "bundle");
  // An installed package: no src/.
  rmSync(join(root, "src"), { recursive: true });
  assert.equal(chooseEntry(root, {}), "bundle");
  rmSync(join(root, "dist/cli/wirewhy.cjs"));
  assert.equal(chooseEntry(root, {}), "compiled");
});
