import type { Command } from "commander";
import { ExitCode } from "../exit-codes.ts";

interface ListFlags {
  json?: boolean;
}

interface RunFlags {
  json?: boolean;
  keep?: string;
}

export function register(program: Command): void {
  const lab = program
    .command("lab")
    .description("labs: make a known cause happen for real, capture it, and check the verdict");

  lab
    .command("list")
    .description("the labs, each with its layer and a one-line description")
    .option("--json", "print a JSON array: [{ name, title, layer, kind, needsRoot }]")
    .action(async (flags: ListFlags) => {
      const { LABS } = await import("../../lab/registry.ts");
      const { infoOf } = await import("../../lab/run-lab.ts");
      const labs = LABS.map(infoOf);
      if (flags.json) {
        const { labListJson } = await import("../../report/lab-json.ts");
        process.stdout.write(`${JSON.stringify(labListJson(labs), null, 2)}\n`);
      } else {
        const { renderLabList } = await import("../../report/lab-text.ts");
        const { isRoot } = await import("../../lab/netns.ts");
        process.stdout.write(renderLabList(labs, isRoot()));
      }
    });

  lab
    .command("run")
    .description("run one lab: real server and client, tcpdump, analysis, lesson")
    .argument("<name>", "the lab (see wirewhy lab list)")
    .option("--keep <file>", "keep the capture in FILE (pcap)")
    .option("--json", "print { name, passed, expected, got }")
    .action(async (name: string, flags: RunFlags) => {
      const { runLab } = await import("../../lab/run-lab.ts");
      const result = await runLab(name, { keepPath: flags.keep });
      if (flags.json) {
        const { labResultJson } = await import("../../report/lab-json.ts");
        process.stdout.write(`${JSON.stringify(labResultJson(result), null, 2)}\n`);
        if (result.analysis.status === "unavailable") {
          process.stderr.write(`wirewhy: ${result.analysis.reason}\n`);
        }
      } else {
        const { renderLabResult } = await import("../../report/lab-text.ts");
        process.stdout.write(renderLabResult(result));
      }
      if (!result.reproduced) process.exitCode = ExitCode.VERDICT_FAILED;
      else if (result.analysis.status === "unavailable")
        process.exitCode = ExitCode.VERDICT_UNAVAILABLE;
      else process.exitCode = result.passed ? ExitCode.OK : ExitCode.VERDICT_FAILED;
    });
}
