/**
 * What `wirewhy host` reads and returns. The JSON form is HostReport as is; `listeners[]`
 * {address, port, acceptQueue, backlog, pid, command}, `states` {<port>: {<state>: count}},
 * `counters` and `findings` are a contract (docs/host.md): fields may be added, never renamed.
 */
import type { Finding } from "../model/finding.ts";
import type { ProcSocket } from "./proc-net-sockets.ts";
import type { Counters } from "./snmp-counters.ts";
import type { Sockstat } from "./sockstat.ts";

export interface HostOptions {
  /** Only this local port (listeners, states and port findings; counters stay host-wide). */
  port?: number;
  /** Only sockets this process owns. */
  pid?: number;
  /** Read inside this named network namespace (ip netns). */
  netns?: string;
  /** Watch this long and report counter deltas; sampled every WATCH_SAMPLE_MS. */
  watchSeconds?: number;
  /** Called after each watch sample (progress); never required. */
  onSample?: (elapsedMs: number) => void;
}

export interface Listener {
  protocol: "tcp";
  address: string;
  port: number;
  family: 4 | 6;
  /** Connections waiting to be accepted now (the last sample). */
  acceptQueue: number;
  /** Highest accept queue seen over the watch (= acceptQueue without --watch). */
  peakAcceptQueue: number;
  /** The backlog the listener asked for (listen(2)), capped by net.core.somaxconn; null without ss. */
  backlog: number | null;
  pid: number | null;
  command: string | null;
  inode: number;
}

/** port → state → count. */
export type StateCounts = Record<string, Record<string, number>>;

export interface HostSnapshot {
  atMs: number;
  sockets: ProcSocket[];
  counters: Counters;
  sockstat: Sockstat;
  /** ss's listeners by inode: backlog and accept queue. */
  backlogs: Map<number, { acceptQueue: number; backlog: number }>;
  localPortRange: { low: number; high: number } | null;
}

export interface CounterDelta {
  name: string;
  delta: number;
  perSecond: number;
  layer: string | null;
  meaning: string | null;
}

export interface HostReport {
  netns: string | null;
  port: number | null;
  pid: number | null;
  listeners: Listener[];
  /**
   * TCP connection states by port: the local port for sockets on a listening port (the services of
   * this host), the remote port for this host's own outgoing connections.
   */
  states: StateCounts;
  /** Outgoing connections only, by remote port (the same as in `states`, kept apart). */
  outgoing: StateCounts;
  udp: { sockets: number; dropsTotal: number };
  /** Absolute counter values at the end (since boot, or since the namespace was created). */
  counters: Counters;
  sockstat: Sockstat;
  localPortRange: { low: number; high: number } | null;
  watch: { seconds: number; samples: number; deltas: CounterDelta[] } | null;
  findings: Finding[];
  warnings: string[];
}
