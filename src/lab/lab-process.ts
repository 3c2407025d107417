/**
 * A process a lab started (tcpdump, an agent, the delay line), optionally inside a namespace:
 * its stdout lines, the tail of its stderr, its exit, and its guaranteed end. `ip netns exec`
 * execs the command, so the pid is the command's own and killing it kills the command.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { inNetns } from "./netns.ts";
import type { Teardown } from "./teardown.ts";

const STDERR_TAIL_CHARS = 4000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LabProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private stderrTail = "";
  private stdoutPartial = "";
  private lineListeners: ((line: string) => void)[] = [];
  private stderrListeners: ((text: string) => void)[] = [];
  private exit: ProcessExit | undefined;
  private readonly removeFromTeardown: () => void;

  constructor(
    teardown: Teardown,
    readonly label: string,
    netns: string | undefined,
    command: string,
    args: readonly string[],
  ) {
    const [cmd, full] = inNetns(netns, command, args);
    this.child = spawn(cmd, full, { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.once("error", (error) => {
        this.stderrTail += `${error.message}\n`;
        this.exit = { code: -1, signal: null };
        resolve(this.exit);
      });
    });
    // Closing its stdin tells an agent that its lab is gone (agents exit on end of input).
    this.child.stdin?.on("error", () => {});
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      for (const listener of this.stderrListeners) listener(chunk);
    });
    this.removeFromTeardown = teardown.add(`stop ${label}`, () => this.killNow());
  }

  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  onStderr(listener: (text: string) => void): void {
    this.stderrListeners.push(listener);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exit !== undefined || this.child.pid === undefined) return;
    try {
      this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  /** Asks politely (SIGTERM), then SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<ProcessExit> {
    if (this.exit === undefined) {
      this.signal(signal);
      const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.removeFromTeardown();
    return this.exit!;
  }

  /** Synchronous end, for teardown. */
  killNow(): void {
    this.child.stdin?.destroy();
    this.signal("SIGKILL");
  }

  describeFailure(): string {
    const exit = this.exit;
    const how =
      exit === undefined
        ? "is still running"
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.code}`;
    const tail = this.stderrTail.trim();
    return `${this.label} ${how}${tail ? `: ${tail.split("\n").slice(-5).join(" | ")}` : ""}`;
  }

  private onStdout(chunk: string): void {
    const text = this.stdoutPartial + chunk;
    const lines = text.split("\n");
    this.stdoutPartial = lines.pop()!;
    for (const line of lines) for (const listener of this.lineListeners) listener(line);
  }
}
