/**
 * local-port-exhaustion (client-os): this host's outgoing connections to one destination use up
 * the ephemeral range (net.ipv4.ip_local_port_range): a (source address, destination address,
 * destination port) tuple can have at most one connection per local port, TIME_WAIT included.
 * Warning from PORT_USE_WARNING of the range, error from PORT_USE_ERROR.
 */
import type { Finding } from "../../model/finding.ts";
import { endpointText, type HostRule } from "./host-rule.ts";

export const PORT_USE_WARNING = 0.5;
export const PORT_USE_ERROR = 0.9;

export const localPortExhaustionRule: HostRule = {
  kind: "local-port-exhaustion",
  evaluate(input) {
    const range = input.localPortRange;
    if (range === null) return [];
    const size = range.high - range.low + 1;
    const groups = new Map<
      string,
      { remote: string; port: number; total: number; timeWait: number }
    >();
    for (const s of input.lastSockets) {
      if (s.state === "LISTEN" || input.listenPorts.has(s.localPort)) continue;
      if (s.localPort < range.low || s.localPort > range.high) continue;
      const id = `${s.localAddress}|${s.remoteAddress}|${s.remotePort}`;
      const g = groups.get(id) ?? {
        remote: s.remoteAddress,
        port: s.remotePort,
        total: 0,
        timeWait: 0,
      };
      g.total++;
      if (s.state === "TIME_WAIT") g.timeWait++;
      groups.set(id, g);
    }
    const findings: Finding[] = [];
    for (const g of groups.values()) {
      const use = g.total / size;
      if (use < PORT_USE_WARNING) continue;
      const dest = endpointText(g.remote, g.port);
      findings.push({
        kind: "local-port-exhaustion",
        layer: "client-os",
        severity: use >= PORT_USE_ERROR ? "error" : "warning",
        costMs: 0,
        title: `${g.total} of ${size} local ports in use towards ${dest} (${(use * 100).toFixed(0)} %)`,
        explanation: `Connections from this host to ${dest} occupy ${g.total} of the ${size} ephemeral ports (net.ipv4.ip_local_port_range ${range.low}-${range.high}), ${g.timeWait} of them in TIME_WAIT (kept 60 s after an active close). When none is left, connect() fails with EADDRNOTAVAIL.`,
        advice:
          "Reuse connections (keep-alive, a pool) instead of opening one per request; widen ip_local_port_range; enable net.ipv4.tcp_tw_reuse for outgoing connections.",
        confidence: 0.85,
        count: g.total,
        endpoint: dest,
        evidence: { frames: [], facts: { inUse: g.total, timeWait: g.timeWait, rangeSize: size } },
      });
    }
    return findings;
  },
};
