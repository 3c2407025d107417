/**
 * What `wirewhy probe` measures and returns. The JSON form is this object as is; the names
 * `url`, `address`, `runs[].phases.{dnsMs,connectMs,tlsMs,sendMs,waitMs,downloadMs,totalMs}`,
 * `runs[].status`, `runs[].kernel.{rttMs,retransmits}`, `summary.<phase>.{min,median,p95,max}`
 * and `findings` are a contract (docs/probe.md): fields may be added, never renamed.
 */
import type { Finding, Layer } from "../model/finding.ts";
import type { ProbeCaptureAnalyzer, ProbeCaptureReport } from "./capture-analysis.ts";

export type HttpVersionChoice = "auto" | "1.1" | "2";

export interface ProbeOptions {
  /** Requests to make (-n); 1 by default, at most MAX_RUNS. */
  runs?: number;
  /** All runs on one keep-alive connection instead of a fresh connection each. */
  reuse?: boolean;
  /** Pause between runs. */
  intervalMs?: number;
  /** Limit for each phase separately (DNS, connect, TLS, send, first byte, download). */
  timeoutMs?: number;
  /** Only this address family (curl's -4 / -6). */
  family?: 4 | 6;
  /** "auto" offers h2 and http/1.1 by ALPN on https (plain http is always HTTP/1.1). */
  httpVersion?: HttpVersionChoice;
  method?: "GET" | "HEAD";
  /** Accept any certificate (curl's --insecure); the certificate problem is still reported. */
  insecure?: boolean;
  /** PEM file of CA certificates to trust instead of the system store (curl's --cacert). */
  caFile?: string;
  /** Resolve with this DNS server ("ADDR" or "ADDR:PORT", "[v6]:PORT") instead of the system resolver. */
  dnsServer?: string;
  /** Offer the previous run's TLS session on each fresh connection (measures resumption). */
  tlsResume?: boolean;
  /** Read the kernel's view of the socket (`ss -tin`) after each request; true by default. */
  kernel?: boolean;
  /** Record the probe's own packets with tcpdump (root). */
  capture?: boolean;
  /** Keep the capture file here (implies capture). */
  keepCaptureFile?: string;
  /** Interface for the capture; "any" by default. */
  captureInterface?: string;
  /** Packet analysis of the capture; the default is analyzeProbeCapture (capture-analysis.ts). */
  captureAnalyzer?: ProbeCaptureAnalyzer;
  /** Called after each run (progress); never required. */
  onRun?: (run: ProbeRun) => void;
}

export const PHASES = ["dnsMs", "connectMs", "tlsMs", "sendMs", "waitMs", "downloadMs"] as const;
export type PhaseName = (typeof PHASES)[number];

/**
 * The phases of one request. They tile it: each starts where the one before ended, and totalMs is
 * their sum. A phase the run never reached (it failed earlier) is null; a phase that did not
 * happen (no DNS for an address literal, no TLS on http:, no connect on a reused connection) is 0.
 */
export type ProbePhases = Record<PhaseName, number | null> & { totalMs: number };

/** One connection attempt to one resolved address. */
export interface AddressAttempt {
  address: string;
  family: 4 | 6;
  outcome: "connected" | "refused" | "timeout" | "unreachable" | "error";
  /** Error code when not connected (ECONNREFUSED, ...). */
  code?: string;
  ms: number;
}

export interface TlsInfo {
  /** "TLSv1.3", "TLSv1.2", ... */
  version: string | null;
  /** The ALPN protocol the server chose ("h2", "http/1.1"), null when none. */
  alpn: string | null;
  /** The server accepted the session this client offered (abbreviated handshake). */
  resumed: boolean;
  cipher: string | null;
  /** Why the certificate would be rejected, when --insecure let the handshake go on anyway. */
  authorizationError: string | null;
  certificate: {
    subject: string | null;
    issuer: string | null;
    validFrom: string | null;
    validTo: string | null;
    altNames: string | null;
  } | null;
}

/** The kernel's TCP_INFO for the probe's socket, read with `ss -tin` after the request. */
export interface KernelSocketView {
  /** Smoothed RTT (srtt), ms. */
  rttMs: number | null;
  rttVarMs: number | null;
  /** Lowest RTT the kernel measured on this socket (tcpi_min_rtt), ms. */
  minRttMs: number | null;
  /** Segments retransmitted over the connection's life (tcpi_total_retrans). */
  retransmits: number;
  /** Retransmitted segments not yet acknowledged when read. */
  retransmitsOutstanding: number;
  bytesRetransmitted: number | null;
  /** Congestion window, in segments. */
  cwndSegments: number | null;
  /** Delivery rate, bits/s (tcpi_delivery_rate). */
  deliveryRateBitsPerSec: number | null;
  rtoMs: number | null;
  mssBytes: number | null;
  congestionControl: string | null;
  /** The line ss printed, for anything not parsed. */
  raw: string;
}

export type ProbePhaseId = "dns" | "connect" | "tls" | "send" | "wait" | "download" | "http";

/** Why a run failed, as data. `kind` is the Finding kind it becomes. */
export interface ProbeFailure {
  phase: ProbePhaseId;
  kind: string;
  layer: Layer;
  /** The error's code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, HTTP_503, TIMEOUT, ...). */
  code: string;
  message: string;
  /** Time from the start of the failing phase to the failure. */
  afterMs: number;
}

export interface ProbeRun {
  /** 1-based. */
  index: number;
  /** Wall-clock start, ISO 8601 (a probe is live: this is not a capture timestamp). */
  startedAt: string;
  /** The request went over the connection of an earlier run (--reuse). */
  reused: boolean;
  /** Addresses the name resolved to, in the order tried. */
  resolved: string[];
  attempts: AddressAttempt[];
  /** The address connected to, null when none was reached. */
  address: string | null;
  family: 4 | 6 | null;
  localAddress: string | null;
  localPort: number | null;
  phases: ProbePhases;
  /** HTTP status, null when no response arrived. */
  status: number | null;
  httpVersion: "1.1" | "2" | null;
  tls: TlsInfo | null;
  responseBytes: number;
  kernel: KernelSocketView | null;
  /**
   * Time the server spent before its first byte: waitMs minus one RTT, the kernel's lowest RTT on
   * this socket (minRttMs; srtt can include delayed-ACK and server time). Null without kernel view.
   */
  serverMs: number | null;
  /** The RTT used for the layer split and its source. */
  rttMs: number | null;
  rttSource: "kernel-min-rtt" | "connect-time" | null;
  /** This run's milliseconds charged to each layer (they sum to totalMs). */
  layers: Record<Layer, number>;
  failure: ProbeFailure | null;
}

export interface PhaseStats {
  min: number;
  median: number;
  p95: number;
  max: number;
  /** Runs that reached this phase. */
  samples: number;
}

export type ProbeSummary = Partial<
  Record<PhaseName | "totalMs" | "serverMs" | "rttMs", PhaseStats>
>;

export interface ProbeVerdict {
  /** The layer that cost the most (median over successful runs), or the layer of the failure. */
  layer: Layer | "none";
  /** Its median ms per request (0 for a failure that took no time). */
  ms: number;
  /** Median ms per layer over successful runs. */
  layers: Record<Layer, number>;
  /** True when at least one run failed. */
  failed: boolean;
  /**
   * The probe's own overhead (PROBE_OVERHEAD_MS), present when the largest share (network or
   * client-app) was within it: the verdict then names no layer (a loopback or very near server).
   */
  overheadMs?: number;
  /** One sentence. */
  text: string;
}

export interface ProbeResult {
  url: string;
  /** The address the (last successful, else last) run connected to or tried. */
  address: string | null;
  port: number;
  hostname: string;
  scheme: "http" | "https";
  dnsServer: string | null;
  reuse: boolean;
  runs: ProbeRun[];
  summary: ProbeSummary;
  verdict: ProbeVerdict;
  findings: Finding[];
  capture: ProbeCaptureReport | null;
  warnings: string[];
}
