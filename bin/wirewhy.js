#!/usr/bin/env node
// In a checkout (src/ present, tsx installed) run the TypeScript source through tsx, so the CLI
// is never a stale build of older source; an installed package (no src/) runs the compiled dist/:
// the one-file bundle (scripts/bundle-cli.ts) from V8's code cache (load-bundle.cjs) when it is
// there, else tsc's dist/cli/main.js. WIREWHY_DIST=1 forces dist/ (the benchmarks time the
// compiled code).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const source = new URL("../src/cli/main.ts", import.meta.url);
const bundle = new URL("../dist/cli/wirewhy.cjs", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);
const hasDist = existsSync(bundle) || existsSync(compiled);
const useSource = existsSync(source) && !(process.env.WIREWHY_DIST === "1" && hasDist);
if (useSource) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else if (existsSync(bundle)) {
  createRequire(import.meta.url)("./load-bundle.cjs").runBundle(fileURLToPath(bundle));
} else {
  await import(compiled.href);
}
