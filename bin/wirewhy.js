#!/usr/bin/env node
// In a checkout (src/ present, tsx installed) run the TypeScript source through tsx, so the CLI
// is never a stale build of older source; an installed package (no src/) runs the compiled dist/.
// WIREWHY_DIST=1 forces dist/ (the benchmarks time the compiled code).
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);
const useSource = existsSync(source) && !(process.env.WIREWHY_DIST === "1" && existsSync(compiled));
if (useSource) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(compiled.href);
}
