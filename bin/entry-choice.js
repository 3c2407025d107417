// Which code `wirewhy` runs. An installed package (no src/) runs the compiled dist/. A checkout
// runs dist/ too when it was built after every file under src/ changed (`npm ci` builds it: the
// prepare script), so the CLI starts in ~0.1 s instead of ~1 s through tsx, and is never a stale
// build of older source: after an edit it runs the source through tsx until the next build.
// WIREWHY_SOURCE=1 forces the source (development), WIREWHY_DIST=1 forces dist/ (benchmarks).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Newest modification time (ms) of the files under `dir`, 0 when there are none. */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** "source", "bundle" or "compiled", for the package whose root is `root`. */
export function chooseEntry(root, env = process.env) {
  const source = join(root, "src/cli/main.ts");
  const bundle = join(root, "dist/cli/wirewhy.cjs");
  const compiled = join(root, "dist/cli/main.js");
  const built = existsSync(bundle) ? "bundle" : existsSync(compiled) ? "compiled" : undefined;
  if (!existsSync(source)) return built ?? "compiled";
  if (env.WIREWHY_SOURCE === "1" || built === undefined) return "source";
  if (env.WIREWHY_DIST === "1") return built;
  const builtMs = statSync(built === "bundle" ? bundle : compiled).mtimeMs;
  return newestMtimeMs(join(root, "src")) <= builtMs ? built : "source";
}
