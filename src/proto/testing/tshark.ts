/** Test helper: tshark's view of a capture, as rows of fields, for comparisons at test time. */
import { spawnSync } from "node:child_process";

/** Runs `tshark -r file -Y filter -T fields -e f1 -e f2 …` and splits the output into rows. */
export function tsharkFields(
  file: string,
  filter: string,
  fields: string[],
  extraArgs: string[] = [],
): string[][] {
  const args = ["-r", file, ...extraArgs, "-Y", filter, "-T", "fields"];
  for (const f of fields) args.push("-e", f);
  // tshark exits non-zero on damaged captures after printing every packet it read: keep those.
  const run = spawnSync("tshark", args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 64 << 20,
  });
  if (run.error) throw run.error;
  return run.stdout
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"));
}
