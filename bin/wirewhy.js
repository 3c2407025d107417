#!/usr/bin/env node
// Runs the compiled CLI (the one-file bundle from V8's code cache, else tsc's dist/cli/main.js)
// or, in a checkout whose source changed since the last build, the TypeScript source through
// tsx: entry-choice.js decides.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chooseEntry } from "./entry-choice.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = chooseEntry(root);
if (entry === "source") {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
} else if (entry === "bundle") {
  createRequire(import.meta.url)("./load-bundle.cjs").runBundle(
    fileURLToPath(new URL("../dist/cli/wirewhy.cjs", import.meta.url)),
  );
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
