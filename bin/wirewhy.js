#!/usr/bin/env node
// The installed entry point runs the compiled CLI (npm run build); in a checkout without dist/,
// fall back to running the TypeScript source through tsx.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
}
