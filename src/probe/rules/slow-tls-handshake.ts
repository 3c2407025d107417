/**
 * slow-tls-handshake (server-app): the TLS handshake took TLS_SERVER_NOTABLE_MS or more beyond its
 * round trips (1 for TLS 1.3 or resumption, 2 for full TLS 1.2), i.e. the server's own work.
 */
import type { Finding } from "../../model/finding.ts";
import { tlsRoundTrips } from "../layer-split.ts";
import { median, type ProbeRule, round3, runList } from "./probe-rule.ts";

/** A full handshake costs a server a few ms of CPU (an RSA-2048 signature is ~1 ms); 50 ms is queueing or a slow key store. */
export const TLS_SERVER_NOTABLE_MS = 50;

export const slowTlsHandshakeRule: ProbeRule = {
  kind: "slow-tls-handshake",
  evaluate(runs, context): Finding | null {
    const extra = (r: (typeof runs)[number]) =>
      r.tls && r.phases.tlsMs !== null && r.failure?.phase !== "tls"
        ? r.phases.tlsMs - tlsRoundTrips(r.tls.version, r.tls.resumed) * (r.rttMs ?? 0)
        : 0;
    const hit = runs.filter((r) => !r.reused && extra(r) >= TLS_SERVER_NOTABLE_MS);
    if (hit.length === 0) return null;
    const costs = hit.map(extra);
    return {
      kind: "slow-tls-handshake",
      layer: "server-app",
      severity: "info",
      costMs: round3(costs.reduce((a, b) => a + b, 0)),
      title: `The server spent ${median(costs).toFixed(1)} ms in the TLS handshake beyond its round trips`,
      explanation: `The handshake (${hit[0].tls?.version ?? "TLS"}) took ${median(costs).toFixed(1)} ms more than its round trips need: the server's TLS termination was slow (CPU-bound key exchange or signing, a saturated TLS proxy, OCSP fetching, or a slow hardware key).`,
      advice:
        "Enable session resumption (tickets), use ECDSA certificates, check the TLS terminator's CPU; probe with --tls-resume to measure a resumed handshake.",
      confidence: 0.7,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: { frames: [], facts: { runs: runList(hit), medianExtraMs: round3(median(costs)) } },
    };
  },
};
