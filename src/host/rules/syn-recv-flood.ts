/**
 * syn-recv-flood (server-os): many half-open connections (SYN received, SYN/ACK sent, no final
 * ACK) on one listening port: a SYN flood, or clients whose ACKs are lost.
 */
import type { Finding } from "../../model/finding.ts";
import type { HostRule } from "./host-rule.ts";

/** net.ipv4.tcp_max_syn_backlog is at least 128 (tcp_sk_init); a queue of that size is a flood. */
export const SYN_RECV_MANY = 128;

export const synRecvFloodRule: HostRule = {
  kind: "syn-recv-flood",
  evaluate(input) {
    const counts = new Map<number, number>();
    for (const s of input.lastSockets) {
      if (s.state === "SYN_RECV" || s.state === "NEW_SYN_RECV") {
        counts.set(s.localPort, (counts.get(s.localPort) ?? 0) + 1);
      }
    }
    const findings: Finding[] = [];
    for (const [port, n] of counts) {
      if (n < SYN_RECV_MANY) continue;
      findings.push({
        kind: "syn-recv-flood",
        layer: "server-os",
        severity: "warning",
        costMs: 0,
        title: `${n} half-open connections (SYN_RECV) on port ${port}`,
        explanation: `The kernel answered ${n} SYNs on port ${port} and is still waiting for the handshake's final ACK. Legitimate clients complete the handshake within one round trip; this many waiting is a SYN flood (spoofed sources), or the ACKs are lost on the way back.`,
        advice:
          "Keep net.ipv4.tcp_syncookies on; raise tcp_max_syn_backlog; check the sources (ss -tn state syn-recv).",
        confidence: 0.7,
        count: n,
        endpoint: `:${port}`,
        evidence: { frames: [], facts: { port, synRecv: n } },
      });
    }
    return findings;
  },
};
