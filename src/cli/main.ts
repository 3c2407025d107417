/**
 * The command line: maps flags to options and calls the library (vite's cli.ts pattern). Commands
 * live one per file under commands/; each file only declares its flags and imports the library code
 * it needs when it runs, so `wirewhy info` never loads the code of `wirewhy lab`.
 *
 * No top-level await: the compiled CLI is also one CommonJS bundle (scripts/bundle-cli.ts), which
 * bin/load-bundle.cjs starts from V8's code cache.
 */
import { Command, CommanderError } from "commander";
import { ExitCode } from "./exit-codes.ts";
import { reportFailure } from "./fail.ts";

async function main(): Promise<void> {
  const program = new Command();
  program
    .name("wirewhy")
    .description(
      "Which layer made this request slow or made it fail: client app, client OS, DNS, network, server OS or server app.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Usage errors exit 2 (INPUT_ERROR, as the README says), their message prefixed like every
    // other error of the CLI; set before the commands are added, which inherit it.
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`wirewhy: ${text.replace(/^error: /, "")}`),
    });

  // One line per command; each module exports `register(program)`.
  const commands = [
    await import("./commands/info.ts"),
    await import("./commands/packets.ts"),
    await import("./commands/conns.ts"),
    await import("./commands/analyze.ts"),
    await import("./commands/exchanges.ts"),
    await import("./commands/lab.ts"),
    await import("./commands/probe.ts"),
    await import("./commands/host.ts"),
  ];
  for (const command of commands) command.register(program);

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the program normally; anything else was bad usage.
      const done = error.code === "commander.helpDisplayed" || error.code === "commander.version";
      process.exitCode = done || error.exitCode === 0 ? ExitCode.OK : ExitCode.INPUT_ERROR;
      return;
    }
    process.exitCode = reportFailure(error);
  }
}

void main();
