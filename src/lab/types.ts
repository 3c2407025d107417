/**
 * Types of the labs: scenarios that make one known cause happen for real on this machine's kernel,
 * capture it with tcpdump, and check that the analysis names it (issue 6, docs/labs.md).
 */
import type { Layer } from "../model/finding.ts";
import type { AgentIo } from "./agent-io.ts";
import type { LabContext } from "./context.ts";
import type { LabPacket } from "./lab-packet.ts";

/** What `wirewhy lab list --json` prints for each lab. These names are a contract. */
export interface LabInfo {
  /** Stable kebab-case name, used by `wirewhy lab run NAME`. */
  name: string;
  /** One line: what the lab makes happen. */
  title: string;
  /** The layer of the known cause: what the first finding must name. */
  layer: Layer;
  /** The finding kind of the known cause (docs/findings.md). */
  kind: string;
  /** True when the lab needs network namespaces, iptables or tc (root). */
  needsRoot: boolean;
}

/**
 * One process of a lab (a server, a client, a DNS server...). It runs in its own Node process
 * (possibly inside a network namespace), reports through `io`, and its resolved value is the
 * process's final "result" message. A role that must stay up (a server) never resolves: the lab
 * ends it.
 */
export type AgentMain = (params: Record<string, unknown>, io: AgentIo) => Promise<unknown>;

/** One thing the capture must show for the lab to have reproduced its cause. */
export interface LabCheck {
  /** What was checked, e.g. "SYN retransmissions from the client". */
  name: string;
  ok: boolean;
  /** The measured figure in words, e.g. "3 retries, 1.0 s apart". */
  detail: string;
}

export interface Lab extends LabInfo {
  /**
   * Where the capture is taken and how the expected cost is counted: test/fixtures/labs/
   * expected.json carries it for the analyzer's tests.
   */
  captureNotes: string;
  /** What happens at each layer, why, and how to recognise it in production (< 25 lines). */
  lesson: string;
  /** The lab stops by itself after this long, whatever happens. */
  timeLimitMs: number;
  /** Runs the scenario: sets up the network, starts the capture and the agents. */
  run(ctx: LabContext): Promise<void>;
  /** What the capture must show; computed from the capture with the project's own readers. */
  check(
    packets: readonly LabPacket[],
    facts: Readonly<Record<string, number | string>>,
  ): LabCheck[];
  /**
   * What the cause cost in this run, from what the lab did (its handler's sleep × requests) or
   * measured on its capture (how long the window stayed closed), with the tolerance the analysis
   * must meet. A failure costs the time from the request's start to the failure.
   */
  expectedCost(
    packets: readonly LabPacket[],
    facts: Readonly<Record<string, number | string>>,
  ): { costMs: number; toleranceMs: number };
  /** The processes the lab starts, by role. */
  agents: Record<string, AgentMain>;
}
