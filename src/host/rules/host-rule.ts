/** The shape of a host rule: reads what `wirewhy host` gathered, returns Findings. */
import type { Finding } from "../../model/finding.ts";
import type { ProcSocket } from "../proc-net-sockets.ts";
import type { Counters } from "../snmp-counters.ts";
import type { Listener } from "../types.ts";

export interface HostRuleInput {
  listeners: Listener[];
  /** TCP sockets at the start and at the end (after the --port/--pid filters). */
  firstSockets: ProcSocket[];
  lastSockets: ProcSocket[];
  listenPorts: Set<number>;
  /** Counter deltas over the watch, null without --watch. */
  deltas: Counters | null;
  watchSeconds: number | null;
  localPortRange: { low: number; high: number } | null;
}

export interface HostRule {
  kind: string;
  evaluate(input: HostRuleInput): Finding[];
}

export function endpointText(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
