/**
 * One reading of the host's network state: every TCP and UDP socket (/proc/net/tcp, tcp6, udp,
 * udp6), the protocol counters (/proc/net/netstat, snmp, snmp6), /proc/net/sockstat(6), the
 * ephemeral port range, and, when asked, the listeners' backlogs from `ss -ltnHe`.
 */
import { type ProcSocket, parseProcNetSockets } from "./proc-net-sockets.ts";
import type { ProcSource } from "./proc-source.ts";
import { parsePairedCounters, parseSnmp6 } from "./snmp-counters.ts";
import { parseSockstat } from "./sockstat.ts";
import { parseSsListeners } from "./ss-listen-backlog.ts";
import type { HostSnapshot } from "./types.ts";

export const PROC_PATHS = {
  tcp: "/proc/net/tcp",
  tcp6: "/proc/net/tcp6",
  udp: "/proc/net/udp",
  udp6: "/proc/net/udp6",
  netstat: "/proc/net/netstat",
  snmp: "/proc/net/snmp",
  snmp6: "/proc/net/snmp6",
  sockstat: "/proc/net/sockstat",
  sockstat6: "/proc/net/sockstat6",
  portRange: "/proc/sys/net/ipv4/ip_local_port_range",
} as const;

const SOCKET_PATHS = [PROC_PATHS.tcp, PROC_PATHS.tcp6];

export async function takeSnapshot(
  source: ProcSource,
  withBacklogs: boolean,
): Promise<HostSnapshot> {
  const atMs = performance.now();
  const files = await source.readFiles(Object.values(PROC_PATHS));
  const sockets: ProcSocket[] = [];
  for (const path of [PROC_PATHS.tcp, PROC_PATHS.tcp6]) {
    const text = files.get(path);
    if (text !== undefined) sockets.push(...parseProcNetSockets(text, "tcp"));
  }
  for (const path of [PROC_PATHS.udp, PROC_PATHS.udp6]) {
    const text = files.get(path);
    if (text !== undefined) sockets.push(...parseProcNetSockets(text, "udp"));
  }
  const counters = parsePairedCounters(files.get(PROC_PATHS.netstat) ?? "");
  parsePairedCounters(files.get(PROC_PATHS.snmp) ?? "", counters);
  parseSnmp6(files.get(PROC_PATHS.snmp6) ?? "", counters);
  const sockstat = parseSockstat(files.get(PROC_PATHS.sockstat) ?? "");
  parseSockstat(files.get(PROC_PATHS.sockstat6) ?? "", sockstat);
  const range = (files.get(PROC_PATHS.portRange) ?? "").trim().split(/\s+/).map(Number);
  const backlogs = new Map<number, { acceptQueue: number; backlog: number }>();
  if (withBacklogs) {
    for (const l of parseSsListeners(await source.ss(["-ltnHe"]))) {
      if (l.inode !== 0) backlogs.set(l.inode, { acceptQueue: l.acceptQueue, backlog: l.backlog });
    }
  }
  return {
    atMs,
    sockets,
    counters,
    sockstat,
    backlogs,
    localPortRange:
      range.length === 2 && range.every(Number.isFinite) ? { low: range[0], high: range[1] } : null,
  };
}

/** A light sample during --watch: the TCP tables only (accept queues and states). */
export async function takeSocketSample(source: ProcSource): Promise<ProcSocket[]> {
  const files = await source.readFiles(SOCKET_PATHS);
  const sockets: ProcSocket[] = [];
  for (const text of files.values()) sockets.push(...parseProcNetSockets(text, "tcp"));
  return sockets;
}
