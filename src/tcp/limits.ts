/**
 * The tcp stage's named memory caps (as Suricata's memcaps and Zeek's table limits): a ceiling
 * on connections with live analysis state, and on closed connections' tombstones. Past a cap the
 * analyzer evicts the oldest idle state (summarising a connection with what it has seen) and
 * counts it here, rather than growing until the process dies.
 */

/**
 * What a connection with live state costs, all stages together: the tcp stage's Connection and
 * its two directions, the exchange stage's parsers, the diagnose stage's track (a heap snapshot
 * of 50,000 half-open connections: 7.1 KB each; established ones with parsers somewhat more).
 */
export const CONNECTION_BUDGET_BYTES = 10 * 1024;
/** A tombstone (tombstone.ts) with its boxed numbers, flow-table slot and queue entry (heap snapshot: ~350 B). */
export const TOMBSTONE_BUDGET_BYTES = 400;
/** Tombstones kept per live connection allowed: closed connections outnumber open ones. */
export const TOMBSTONES_PER_CONNECTION = 8;
/** What the process holds whatever the capture: code, read buffers, the report (measured: ~110 MB RSS). */
export const BASE_MEMORY_MB = 120;
/** The default memory budget: analyze stays under 300 MB of RSS (issue 17). */
export const DEFAULT_MAX_MEMORY_MB = 280;

/**
 * V8 lets its heap grow to about twice the live objects before a full collection (its old
 * generation limit grows with what survived): measured, an analyze run holding ~150 MB of live
 * objects had 350 MB of heap and 650 MB of RSS.
 */
export const HEAP_GROWTH_FACTOR = 2;

/** The connection cap a memory budget allows (at least 1,000). */
export function connectionsForMemory(maxMemoryMB: number): number {
  const bytes = (Math.max(0, maxMemoryMB - BASE_MEMORY_MB) * 1024 * 1024) / HEAP_GROWTH_FACTOR;
  const perConnection =
    CONNECTION_BUDGET_BYTES + TOMBSTONES_PER_CONNECTION * TOMBSTONE_BUDGET_BYTES;
  return Math.max(1000, Math.floor(bytes / perConnection));
}

/** What the caps did (ConnectionsTotals.limits; absent when no cap was reached). */
export interface TcpLimits {
  /** The cap on connections with live state. */
  maxConnections: number;
  /** The cap on tombstones. */
  maxTombstones: number;
  /** Connections summarised early because the cap was reached: their later packets went unanalysed. */
  evictedConnections: number;
  /** Of those, the ones whose handshake had not completed (a flood's half-open attempts). */
  evictedHalfOpen: number;
  /** Capture time (ms since the first packet) of the first and the last eviction; -1 without. */
  firstEvictionMs: number;
  lastEvictionMs: number;
  /**
   * Tombstones dropped before TIME_WAIT ended: a late packet on one of those tuples starts a new
   * tcp.stream where tshark would keep the old one.
   */
  droppedTombstones: number;
}
