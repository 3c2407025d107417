/**
 * `npm run bench:ab -- [REF] [--command "analyze"] [--rounds N] [--capture FILE]`: the working
 * tree's compiled CLI against a git ref's (default HEAD) on the bench capture. One `npm run bench`
 * cannot tell a 3% change: a command's time drifts by 5-10% from minute to minute on a shared
 * host. Here the two sides run alternately, their order swapped every round, each run right after
 * an untimed read of the file, so drift falls on both alike; each side's fastest and median run
 * are reported, and their ratio.
 *
 * The ref is built once into node_modules/.cache/wirewhy-ab/<commit> (a git worktree, with its
 * own `npm run build`) and reused by later runs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { flagValue, positiveCount } from "./args.ts";
import { median, type Timing, timeCommand } from "./timing.ts";

const args = process.argv.slice(2);
const flagged = new Set(["--command", "--rounds", "--capture"]);
const ref = args.find((a, i) => !a.startsWith("--") && !flagged.has(args[i - 1] ?? "")) ?? "HEAD";
const command = (flagValue(args, "--command") ?? "analyze").split(" ");
const rounds = positiveCount(flagValue(args, "--rounds") ?? "8", "--rounds");
const capture = resolve(flagValue(args, "--capture") ?? "bench/data/loopback-http.pcap");

if (!existsSync(capture)) {
  console.error(`bench:ab: ${capture} does not exist (npm run bench records it)`);
  process.exit(2);
}
const root = resolve(".");
const resolved = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
  encoding: "utf8",
});
if (resolved.status !== 0) {
  console.error(`bench:ab: "${ref}" names no commit of this repository`);
  process.exit(2);
}
const commit = resolved.stdout.trim();
const refDir = join(root, "node_modules", ".cache", "wirewhy-ab", commit.slice(0, 12));
if (!existsSync(join(refDir, "bin", "wirewhy.js"))) {
  console.error(`bench:ab: building ${ref} (${commit.slice(0, 12)}) in ${refDir} …`);
  execFileSync("git", ["worktree", "add", "--force", "--detach", refDir, commit], {
    stdio: "inherit",
  });
  symlinkSync(join(root, "node_modules"), join(refDir, "node_modules"));
  execFileSync("npm", ["run", "-s", "build"], { cwd: refDir, stdio: "inherit" });
} else {
  console.error(`bench:ab: ${ref} (${commit.slice(0, 12)}) built in ${refDir}`);
}
console.error("bench:ab: building the working tree …");
execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit" });

const sides = [
  { name: `${ref} (${commit.slice(0, 12)})`, dir: refDir },
  { name: "working tree", dir: root },
];
// bin/wirewhy.js runs the sources through tsx in a checkout: time the compiled code.
const env = { ...process.env, WIREWHY_DIST: "1" };
const runs: Timing[][] = sides.map(() => []);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [0, 1] : [1, 0];
  for (const i of order) {
    const argv = ["node", join(sides[i]!.dir, "bin", "wirewhy.js"), ...command, capture];
    runs[i]!.push(timeCommand(sides[i]!.name, capture, argv, env));
  }
}

const mb = statSync(capture).size / 1e6;
console.log(
  `\nwirewhy ${command.join(" ")} on ${capture} (${mb.toFixed(0)} MB), ${rounds} alternating rounds\n`,
);
console.log(
  `${"".padEnd(28)}${"fastest".padStart(9)}${"median".padStart(9)}${"slowest".padStart(9)}${"peak RSS".padStart(11)}`,
);
const medians = runs.map((r) => median(r.map((t) => t.seconds)));
sides.forEach((side, i) => {
  const seconds = runs[i]!.map((t) => t.seconds);
  const rss = Math.max(...runs[i]!.map((t) => t.rssMB));
  console.log(
    `${side.name.padEnd(28)}${Math.min(...seconds)
      .toFixed(2)
      .padStart(9)}${medians[i]!.toFixed(2).padStart(9)}${Math.max(...seconds)
      .toFixed(2)
      .padStart(9)}${`${rss.toFixed(0)} MB`.padStart(11)}`,
  );
});
const change = (medians[1]! / medians[0]! - 1) * 100;
console.log(`\nworking tree / ${ref}: ${change >= 0 ? "+" : ""}${change.toFixed(1)}% (medians)`);
