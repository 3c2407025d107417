/**
 * The lab's side of an agent: starts `agent-main` in a new Node process (inside a namespace when
 * given), and waits for its messages. Agents are separate processes because a network namespace
 * belongs to a process (Node cannot enter one), and because some labs block an agent's event loop
 * on purpose.
 */
import { fileURLToPath } from "node:url";
import type { AgentMessage } from "./agent-io.ts";
import { parseAgentLine } from "./agent-io.ts";
import { LabProcess } from "./lab-process.ts";
import type { Teardown } from "./teardown.ts";

// "../lab/" rather than "./": the bundled CLI (dist/cli/wirewhy.cjs, scripts/bundle-cli.ts) runs
// this code from dist/cli/, and finds the agent's own file in dist/lab/ the same way.
const AGENT_MAIN = new URL(
  import.meta.url.endsWith(".ts") ? "../lab/agent-main.ts" : "../lab/agent-main.js",
  import.meta.url,
);

/** Node arguments that let a child run the TypeScript sources (a checkout without dist/). */
function nodeArgs(): string[] {
  if (!AGENT_MAIN.pathname.endsWith(".ts")) return [];
  return ["--import", import.meta.resolve("tsx")];
}

export class Agent {
  private readonly messages: AgentMessage[] = [];
  private waiters: (() => void)[] = [];
  readonly process: LabProcess;

  constructor(
    teardown: Teardown,
    readonly labName: string,
    readonly role: string,
    netns: string | undefined,
    params: Record<string, unknown>,
  ) {
    const args = [...nodeArgs(), fileURLToPath(AGENT_MAIN), labName, role, JSON.stringify(params)];
    this.process = new LabProcess(teardown, `${role} agent`, netns, process.execPath, args);
    this.process.onLine((line) => {
      const message = parseAgentLine(line);
      if (message === undefined) return;
      this.messages.push(message);
      this.wake();
    });
    this.process.exited.then(() => this.wake());
  }

  /** The data of the first message named `event` (waiting for it up to `timeoutMs`). */
  async waitFor(event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => m.event === event);
      if (found) return found.data;
      const failed = this.messages.find((m) => m.event === "error");
      if (failed) throw new Error(`${this.role} agent failed: ${String(failed.data.message)}`);
      if (this.process.exitStatus !== undefined) {
        throw new Error(`waiting for "${event}": ${this.process.describeFailure()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.role} agent sent no "${event}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The agent's final result (its role function's resolved value). */
  result(timeoutMs: number): Promise<Record<string, unknown>> {
    return this.waitFor("result", timeoutMs);
  }

  stop(): Promise<unknown> {
    return this.process.stop(1000);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
