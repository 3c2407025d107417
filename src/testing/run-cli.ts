/**
 * Runs the wirewhy CLI as users do (bin/wirewhy.js in a child process) and collects its output,
 * for tests of commands' text, JSON and exit codes.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./corpus.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = join(repoRoot, "bin", "wirewhy.js");
/** A CLI test never waits longer than this for one command. */
const CLI_TIMEOUT_MS = 120_000;

export function runCli(args: string[], options: { input?: Buffer } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: repoRoot,
      stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"],
      // Colours depend on the terminal; tests read plain text.
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
      timeout: CLI_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (options.input && child.stdin) child.stdin.end(options.input);
  });
}
