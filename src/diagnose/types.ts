/**
 * The diagnose stage's public result: `wirewhy analyze --json` prints an Analysis (schema
 * wirewhy.analysis/1, published as JSON Schema in docs/analysis.schema.json). The names below
 * are a contract: add fields freely, never rename or remove one without a new schema version.
 */
import type { CaptureWarning } from "../capture/types.ts";
import type { Exchange } from "../exchange/types.ts";
import type { Finding, Layer } from "../model/finding.ts";
import type { Vantage } from "../tcp/types.ts";

export const ANALYSIS_SCHEMA = "wirewhy.analysis/1";

export interface AnalysisCapture {
  source: string;
  format: string;
  packets: number;
  /** ISO 8601 of the first and last packet, null without packets. */
  first: string | null;
  last: string | null;
  durationMs: number;
  warnings: CaptureWarning[];
  /** Reading stopped early (damage, or --max-packets): the analysis covers what was read. */
  partial: boolean;
  /** Present only when a memory cap was reached (AnalyzeOptions.maxConnections, maxMemoryMB). */
  limits?: AnalysisLimits;
}

/** What the memory caps did to the analysis (docs/analysis.md, "Limits"). */
export interface AnalysisLimits {
  /** The cap on connections with live state, and the memory budget it came from (MB). */
  maxConnections: number;
  maxMemoryMB: number;
  /** Connections summarised early, when the cap was reached: their later packets went unanalysed. */
  evictedConnections: number;
  /** Of those, the ones whose handshake had not completed (half-open: a flood's, a scan's). */
  evictedHalfOpen: number;
  /** Capture time of the first and the last eviction (ms since the first packet). */
  firstEvictionMs: number;
  lastEvictionMs: number;
  /** Closed connections forgotten before TIME_WAIT ended (their late packets got a new tcp.stream). */
  droppedTombstones: number;
  /** The finding kinds that may be incomplete: those read from connections' packets and summaries. */
  incompleteKinds: string[];
}

export interface AnalysisSummary {
  connections: number;
  exchanges: number;
  /** Exchanges a finding of severity warning or above names. */
  slowExchanges: number;
  /**
   * Exchanges that ended without a complete response, and connection attempts that never opened
   * (each refused SYN is one attempt). What the capture ended in the middle of is not a failure.
   */
  failures: number;
  /** Connection attempts that never opened (counted in failures, not in exchanges). */
  failedConnections: number;
  /**
   * Time clients spent on those attempts (first SYN → the last packet of the attempt), parallel
   * attempts counted once; charged in byLayer to network (unanswered) or server-os (refused).
   */
  failedConnectionsMs: number;
  /**
   * Sum of every exchange's duration, plus failedConnectionsMs; a DNS lookup linked into a later
   * exchange's dns phase is counted once, in that phase.
   */
  totalMs: number;
  /** Milliseconds charged to each layer over every exchange; sums to totalMs. */
  byLayer: Record<Layer, number>;
  /** One or two sentences: the verdict. */
  headline: string;
}

export interface Analysis {
  schema: typeof ANALYSIS_SCHEMA;
  capture: AnalysisCapture;
  /** The vantage assumed for the cost split, with how sure it is and why. */
  vantage: Vantage;
  summary: AnalysisSummary;
  /** The slowest exchanges (100 by default), or every one with `all`, slowest first. */
  exchanges: Exchange[];
  /** Exchanges not listed in `exchanges`. */
  exchangesOmitted: number;
  /** Importance order (compareFindings): the first is the main verdict. */
  findings: Finding[];
  /** What the analysis assumed (vantage, thresholds it applied), in plain words. */
  assumptions: string[];
}

export interface AnalyzeOptions {
  /** Keep every exchange (memory grows with them); default: the slowest `slowest`. */
  all?: boolean;
  /** How many of the slowest exchanges to keep (default 100). */
  slowest?: number;
  /** Stop after this many packets. */
  maxPackets?: number;
  /** UDP ports carrying DNS besides 53 (e.g. a local resolver on a random port). */
  dnsPorts?: number[];
  /**
   * Analyze only the TCP connections whose client port is one of these (e.g. `wirewhy probe`'s
   * own connections); DNS lookups are kept. Default: every connection.
   */
  clientPorts?: number[];
  /**
   * At most this many connections with live analysis state; past it the oldest idle one is
   * summarised early and the report says so (Analysis.capture.limits). Default: what maxMemoryMB allows.
   */
  maxConnections?: number;
  /** The memory budget in MB the connection cap is sized from (default 280: analyze under 300 MB). */
  maxMemoryMB?: number;
  /**
   * Progress while reading: packets read and the byte offset reached, every few thousand packets
   * (PassOptions.onProgress); the CLI's progress bar.
   */
  onProgress?: (packets: number, offsetBytes: number) => void;
}
