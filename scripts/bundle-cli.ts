/**
 * Bundles the CLI (src/cli/main.ts and every module it imports, dynamic imports included) into
 * one CommonJS file, dist/cli/wirewhy.cjs, and writes V8's code cache for it beside it
 * (wirewhy.cjs.cache, by running `analyze` on the bundled example once through
 * bin/load-bundle.cjs). bin/wirewhy.js runs it when it runs compiled code. One file instead of
 * ~180 modules saved 20-35 ms of start-up (no per-module resolution, stat and read); starting
 * from the code cache saves ~30 ms more (106 -> 78 ms for `analyze` on the example). CommonJS
 * because node:vm's Script takes a code cache and ES modules cannot use one on Node 20.
 * Packages stay external (commander, picocolors resolve from node_modules as usual); tsc still
 * builds dist/ for the library API and for the lab agent, which the bundle starts as its own
 * process (dist/lab/agent-main.js). The worker of `analyze A.pcap B.pcap …` is its own bundle,
 * dist/cli/analyze-worker.cjs.
 *
 *   tsx scripts/bundle-cli.ts [outfile]
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const CLI_BUNDLE = "dist/cli/wirewhy.cjs";

/**
 * CommonJS has no import.meta: the bundle's own URL stands for `import.meta.url` (the lab finds its
 * agent beside it), and require.resolve for `import.meta.resolve`.
 */
const BUNDLE_URL = "__wirewhyBundleUrl";
const RESOLVE = "__wirewhyResolve";

/**
 * The worker thread of `analyze A.pcap B.pcap …` (src/cli/analyze-many.ts) is a bundle of its
 * own beside the CLI's: the CLI starts `./analyze-worker.cjs` from its own URL.
 */
export function workerBundle(outfile: string): string {
  return join(dirname(outfile), "analyze-worker.cjs");
}

export async function bundleCli(outfile: string): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  await bundleEntry(root, "src/cli/main.ts", outfile);
  await bundleEntry(root, "src/cli/analyze-worker.ts", workerBundle(outfile));
  // One run writes the code cache: what `analyze` compiles covers info, conns and exchanges too.
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL("../bin/load-bundle.cjs", import.meta.url)),
      "--write-cache",
      outfile,
      "analyze",
      "--json",
      "examples/slow-endpoint.pcap",
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
}

async function bundleEntry(root: string, entry: string, outfile: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    banner: {
      js: [
        '"use strict";',
        `var ${BUNDLE_URL} = require("node:url").pathToFileURL(__filename).href;`,
        `var ${RESOLVE} = (s) => require("node:url").pathToFileURL(require.resolve(s)).href;`,
      ].join("\n"),
    },
    define: { "import.meta.url": BUNDLE_URL, "import.meta.resolve": RESOLVE },
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli(process.argv[2] ?? CLI_BUNDLE);
}
