/**
 * One occurrence of a cause, as a rule reports it: one stalled request, one refused connection,
 * one closed window. The engine groups occurrences of one kind at one server endpoint into a
 * Finding (finding-groups.ts), so a rule never has to know how many there will be.
 */
import type { Layer, Severity } from "../model/finding.ts";

export interface Occurrence {
  kind: string;
  layer: Layer;
  severity: Severity;
  /**
   * How many times it happened: 1, or more when a rule folds a connection's repeated stalls into
   * one report (the finding's `count` adds these up).
   */
  count: number;
  /** What it cost, in ms (0 for an instant failure), summed over `count`. */
  costMs: number;
  /** The server endpoint ("10.0.0.2:443", "[2001:db8::1]:443"), "" when none is known. */
  endpoint: string;
  /** The frames that prove it (1-based), a few at most. */
  frames: number[];
  /** tcp.stream of the connection, -1 when none. */
  connection: number;
  /** Exchange id, -1 when the occurrence is not tied to one request. */
  exchange: number;
  /**
   * The exchanges of its connection, for a connection-level occurrence (the engine fills it in,
   * first ones only), so a finding can point at the requests it slowed.
   */
  exchanges?: number[];
  /** Measured values the explanation quotes (ms, bytes, counts, names). */
  facts: Record<string, number | string>;
  /**
   * The stretch of the capture's clock the cost was spent in, [start, end] in ms, for costs that
   * are one wall-clock wait (a connection attempt). A group's cost is then at most the union of
   * its spans: parallel waits are not added up beyond the time they covered.
   */
  spanMs?: [number, number];
  /**
   * Several such stretches, flattened [start0, end0, start1, end1, …], for a cost spent in many
   * waits (a connection's loss recoveries): treated as spanMs is.
   */
  spansMs?: number[];
}

/** Where rules report occurrences. */
export interface OccurrenceSink {
  add(occurrence: Occurrence): void;
  /**
   * Takes back the finding of `kind` at `endpoint` when it holds at most `atMost` occurrences
   * (a flood's finding stands for them: rules/syn-flood.ts); returns how many it held, else 0.
   */
  withdraw?(kind: string, endpoint: string, atMost: number): number;
}
