/**
 * Cleanup steps of one lab run, run last-in first-out exactly once: after a normal end, a failure,
 * the time limit, or SIGINT/SIGTERM. Every step is synchronous (kill, `ip netns del`) so that it
 * also runs from a signal handler or the process's "exit" event, when no more I/O can be awaited.
 */

interface TeardownStep {
  label: string;
  run: () => void;
}

export class Teardown {
  private steps: TeardownStep[] = [];
  private done = false;
  /** Problems met while cleaning up ("ip netns del ww-x: ..."); cleanup goes on past them. */
  readonly errors: string[] = [];

  /** Registers a step; returns a function that runs it now (once) and removes it. */
  add(label: string, run: () => void): () => void {
    const step: TeardownStep = { label, run };
    this.steps.push(step);
    return () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      this.runStep(step);
    };
  }

  get finished(): boolean {
    return this.done;
  }

  runAll(): void {
    if (this.done) return;
    this.done = true;
    while (this.steps.length > 0) this.runStep(this.steps.pop()!);
  }

  private runStep(step: TeardownStep): void {
    try {
      step.run();
    } catch (error) {
      this.errors.push(`${step.label}: ${(error as Error).message}`);
    }
  }
}
