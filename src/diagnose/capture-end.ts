/**
 * What was still in progress when the capture ended. A capture is a window: a SYN sent 3 ms
 * before its last packet, or a DNS query 7 ms before it, had no time to be answered, and calling
 * it "unanswered" would report a failure the capture cannot show. Such an attempt is *unfinished
 * at the end of the capture*: reported as such (capture-ended), never as a failure.
 *
 * The line is the client's own first retry: an attempt is unfinished when it was never retried
 * and the capture ended before its first retry could have been due. Once a retry is on the wire
 * the earlier attempt did wait out a whole timeout unanswered, and that is evidence, whatever
 * happens after the capture.
 */
import type { ConnectionSummary } from "../tcp/types.ts";

/**
 * The longest first SYN retransmission timeout in common use: Windows' 3 s (TcpInitialRtt, the
 * RFC 1122 §4.2.3.1 initial RTO); Linux retries after 1 s (RFC 6298 §2.1, TCP_TIMEOUT_INIT).
 */
export const SYN_FIRST_RETRY_MAX_MS = 3000;

/** The capture's clock as the diagnose stage sees it: the latest packet so far. */
export interface CaptureClock {
  /** Milliseconds since the capture's first packet of the latest packet read. */
  readonly lastTimeMs: number;
}

/**
 * The connection is an unanswered SYN that the capture cut short: one SYN, no retry, and less
 * than SYN_FIRST_RETRY_MAX_MS between it and the capture's last packet. Exact for connections
 * finalized at the end of the pass (every unanswered one the tcp stage still held), which is when
 * the clock is the capture's end.
 */
export function synInProgressAtEnd(summary: ConnectionSummary, clock: CaptureClock): boolean {
  if (!summary.handshake.synUnanswered || summary.handshake.synRetries > 0) return false;
  return synTimeLeftMs(summary, clock) < SYN_FIRST_RETRY_MAX_MS;
}

/** Time from the connection's last packet to the capture's latest one. */
export function synTimeLeftMs(summary: ConnectionSummary, clock: CaptureClock): number {
  return Math.max(0, clock.lastTimeMs - (summary.startMs + summary.durationMs));
}
