/**
 * `wirewhy host`: the server's side of "why is this slow": its listeners with their accept queues
 * and owning processes, connection states per port, the kernel's protocol counters, and with
 * --watch the counters' deltas over an interval, all turned into Findings.
 */
import { compareFindings, type Finding } from "../model/finding.ts";
import { COUNTER_CATALOGUE } from "./counter-catalogue.ts";
import { HostError } from "./host-error.ts";
import { takeSnapshot, takeSocketSample } from "./host-snapshot.ts";
import type { ProcSocket } from "./proc-net-sockets.ts";
import { localSource, netnsSource, type ProcSource } from "./proc-source.ts";
import { HOST_RULES } from "./rules/host-rules.ts";
import { counterDeltas } from "./snmp-counters.ts";
import { socketOwners } from "./socket-owners.ts";
import type { CounterDelta, HostOptions, HostReport, Listener, StateCounts } from "./types.ts";

/** --watch reads the socket tables this often, for the accept queues' peaks. */
export const WATCH_SAMPLE_MS = 1000;
/** Bound on --watch. */
export const MAX_WATCH_SECONDS = 86_400;

export async function hostReport(options: HostOptions = {}): Promise<HostReport> {
  checkOptions(options);
  const source: ProcSource =
    options.netns === undefined ? localSource() : netnsSource(options.netns);
  const watchSeconds = options.watchSeconds ?? null;
  const first = await takeSnapshot(source, watchSeconds === null);
  let last = first;
  let samples = 1;
  const peaks = new Map<number, number>();
  const notePeaks = (sockets: ProcSocket[]) => {
    for (const s of sockets) {
      if (s.state === "LISTEN") peaks.set(s.inode, Math.max(peaks.get(s.inode) ?? 0, s.rxQueue));
    }
  };
  notePeaks(first.sockets);
  if (watchSeconds !== null) {
    const endAt = first.atMs + watchSeconds * 1000;
    for (;;) {
      const wait = Math.min(WATCH_SAMPLE_MS, endAt - performance.now());
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= endAt - 1) break;
      notePeaks(await takeSocketSample(source));
      samples++;
      options.onSample?.(performance.now() - first.atMs);
    }
    last = await takeSnapshot(source, true);
    samples++;
    notePeaks(last.sockets);
  }

  const tcpLast = last.sockets.filter((s) => s.protocol === "tcp");
  const listenSockets = tcpLast.filter((s) => s.state === "LISTEN");
  const wantedInodes = new Set<number>(listenSockets.map((s) => s.inode));
  if (options.pid !== undefined)
    for (const s of last.sockets) if (s.inode !== 0) wantedInodes.add(s.inode);
  for (const s of first.sockets)
    if (options.pid !== undefined && s.inode !== 0) wantedInodes.add(s.inode);
  const owners = await socketOwners(wantedInodes);

  const keep = (s: ProcSocket): boolean => {
    if (options.port !== undefined && s.localPort !== options.port && s.remotePort !== options.port)
      return false;
    if (options.pid !== undefined && owners.get(s.inode)?.pid !== options.pid) return false;
    return true;
  };
  const listenPorts = new Set(listenSockets.map((s) => s.localPort));
  const listeners: Listener[] = listenSockets
    .filter((s) => keep(s) && (options.port === undefined || s.localPort === options.port))
    .map((s) => {
      const owner = owners.get(s.inode);
      const fromSs = last.backlogs.get(s.inode);
      return {
        protocol: "tcp" as const,
        address: s.localAddress,
        port: s.localPort,
        family: s.family,
        acceptQueue: s.rxQueue,
        peakAcceptQueue: Math.max(s.rxQueue, peaks.get(s.inode) ?? 0),
        backlog: fromSs?.backlog ?? null,
        pid: owner?.pid ?? null,
        command: owner?.command ?? null,
        inode: s.inode,
      };
    })
    .sort((a, b) => a.port - b.port || a.address.localeCompare(b.address));

  const firstTcp = first.sockets.filter((s) => s.protocol === "tcp" && keep(s));
  const lastTcp = tcpLast.filter(keep);
  const { states, outgoing } = countStates(lastTcp, listenPorts);
  const udp = last.sockets.filter((s) => s.protocol === "udp" && keep(s));

  const deltas = watchSeconds === null ? null : counterDeltas(first.counters, last.counters);
  const findings: Finding[] = [];
  for (const rule of HOST_RULES) {
    findings.push(
      ...rule.evaluate({
        listeners,
        firstSockets: firstTcp,
        lastSockets: lastTcp,
        listenPorts,
        deltas,
        watchSeconds,
        localPortRange: last.localPortRange,
      }),
    );
  }
  findings.sort(compareFindings);

  const warnings: string[] = [];
  if (options.port !== undefined || options.pid !== undefined) {
    if (deltas !== null)
      warnings.push("kernel counters are per network namespace, not per port or process");
  }
  if (process.getuid?.() !== 0) {
    warnings.push("not root: the owners of other users' sockets are not shown");
  }
  return {
    netns: source.netns,
    port: options.port ?? null,
    pid: options.pid ?? null,
    listeners,
    states,
    outgoing,
    udp: { sockets: udp.length, dropsTotal: udp.reduce((sum, s) => sum + (s.drops ?? 0), 0) },
    counters: last.counters,
    sockstat: last.sockstat,
    localPortRange: last.localPortRange,
    watch:
      watchSeconds === null || deltas === null
        ? null
        : { seconds: watchSeconds, samples, deltas: describeDeltas(deltas, watchSeconds) },
    findings,
    warnings,
  };
}

function checkOptions(options: HostOptions): void {
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
  ) {
    throw new HostError("WW_ERR_BAD_OPTION", `--port: expected 1-65535, got ${options.port}`);
  }
  if (options.pid !== undefined && (!Number.isInteger(options.pid) || options.pid < 1)) {
    throw new HostError("WW_ERR_BAD_OPTION", `--pid: expected a process id, got ${options.pid}`);
  }
  const w = options.watchSeconds;
  if (w !== undefined && (!Number.isFinite(w) || w <= 0 || w > MAX_WATCH_SECONDS)) {
    throw new HostError(
      "WW_ERR_BAD_OPTION",
      `--watch: expected 0-${MAX_WATCH_SECONDS} seconds, got ${w}`,
    );
  }
}

function countStates(
  sockets: ProcSocket[],
  listenPorts: Set<number>,
): { states: StateCounts; outgoing: StateCounts } {
  const states: StateCounts = {};
  const outgoing: StateCounts = {};
  for (const s of sockets) {
    const inbound = listenPorts.has(s.localPort);
    const port = String(inbound || s.state === "LISTEN" ? s.localPort : s.remotePort);
    const table = states[port] ?? {};
    table[s.state] = (table[s.state] ?? 0) + 1;
    states[port] = table;
    if (!inbound && s.state !== "LISTEN") {
      const out = outgoing[port] ?? {};
      out[s.state] = (out[s.state] ?? 0) + 1;
      outgoing[port] = out;
    }
  }
  return { states, outgoing };
}

const MEANINGS = new Map<string, { layer: string; meaning: string }>();
for (const entry of COUNTER_CATALOGUE) {
  for (const name of entry.counters)
    MEANINGS.set(name, { layer: entry.layer, meaning: entry.title });
}

/** Every counter that moved, with the layer and meaning of those the catalogue knows. */
function describeDeltas(deltas: Record<string, number>, seconds: number): CounterDelta[] {
  return Object.entries(deltas)
    .filter(([, d]) => d !== 0)
    .map(([name, delta]) => ({
      name,
      delta,
      perSecond: Math.round((delta / seconds) * 1000) / 1000,
      layer: MEANINGS.get(name)?.layer ?? null,
      meaning: MEANINGS.get(name)?.meaning ?? null,
    }))
    .sort(
      (a, b) => Number(b.layer !== null) - Number(a.layer !== null) || a.name.localeCompare(b.name),
    );
}
