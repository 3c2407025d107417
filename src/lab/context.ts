/**
 * What a lab's `run` works with: its Teardown, the network it builds, one capture, its agents, and
 * the facts it records for the report (what the client saw: error codes, timings).
 */
import { Agent } from "./agent.ts";
import { type CaptureStats, TcpdumpCapture } from "./tcpdump.ts";
import type { Teardown } from "./teardown.ts";
import {
  type LabHost,
  loopbackTopology,
  type RoutedOptions,
  routedTopology,
  type Topology,
} from "./topology.ts";

export class LabContext {
  readonly facts: Record<string, number | string> = {};
  private capture: TcpdumpCapture | undefined;
  private captureStats: CaptureStats | undefined;
  private readonly deadline: number;

  constructor(
    readonly labName: string,
    readonly teardown: Teardown,
    /** The capture file tcpdump writes. */
    readonly capturePath: string,
    /** True when the lab may make namespaces (root). */
    readonly isolate: boolean,
    timeLimitMs: number,
  ) {
    this.deadline = Date.now() + timeLimitMs;
  }

  /** Milliseconds left before the lab's time limit. */
  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  loopback(): Topology {
    return loopbackTopology(this.teardown, this.isolate);
  }

  routed(options: Omit<RoutedOptions, "maxMs">): Promise<Topology> {
    return routedTopology(this.teardown, { ...options, maxMs: this.remainingMs() });
  }

  /** Starts the lab's one capture; resolves once tcpdump is listening. */
  async startCapture(
    where: { netns: string | undefined; device: string },
    filter: string,
    snapLenBytes: number,
  ): Promise<void> {
    if (this.capture) throw new Error("a lab has one capture");
    this.capture = await TcpdumpCapture.start(this.teardown, {
      netns: where.netns,
      device: where.device,
      filter,
      snapLenBytes,
      path: this.capturePath,
      maxMs: this.remainingMs(),
    });
  }

  /** Stops the capture (the runner does it after `run` when the lab has not). */
  async stopCapture(): Promise<CaptureStats | undefined> {
    if (this.capture && !this.captureStats) this.captureStats = await this.capture.stop();
    return this.captureStats;
  }

  /** Starts an agent process of this lab on `host`; it ends at the lab's time limit at the latest. */
  agent(role: string, host: LabHost, params: Record<string, unknown> = {}): Agent {
    return new Agent(this.teardown, this.labName, role, host.netns, {
      ...params,
      maxMs: this.remainingMs(),
    });
  }

  fact(name: string, value: number | string): void {
    this.facts[name] = value;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
