/**
 * Network namespaces for tests: created with `ip netns add`, loopback up, removed by destroy()
 * (call it from t.after so a failing test still cleans up). Names carry the test's pid so parallel
 * test files never collide.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";

export interface TestNetns {
  name: string;
  /** Runs a command inside the namespace and returns its stdout. */
  run(command: string, args: string[]): string;
  /** Starts a long-running command inside the namespace. */
  spawn(command: string, args: string[]): ChildProcess;
  destroy(): void;
}

let counter = 0;

export function createNetns(label: string): TestNetns {
  const name = `ww-${label}-${process.pid}-${++counter}`;
  execFileSync("ip", ["netns", "add", name]);
  const children: ChildProcess[] = [];
  try {
    execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
  } catch (error) {
    execFileSync("ip", ["netns", "del", name]);
    throw error;
  }
  return {
    name,
    run: (command, args) =>
      execFileSync("ip", ["netns", "exec", name, command, ...args], { encoding: "utf8" }),
    spawn: (command, args) => {
      const child = spawn("ip", ["netns", "exec", name, command, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      return child;
    },
    destroy: () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      try {
        execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
      } catch {
        // already gone
      }
    },
  };
}
