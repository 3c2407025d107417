/**
 * Which finding a connection's reset is. The tcp stage classifies each RST from the connection's
 * state (docs/tcp-analysis.md, "Resets and failures"); the causes below refine it with what the
 * packets around the RST show, and the order of RESET_CAUSES is the precedence: the first cause
 * whose test holds names the reset. Only the connection's first meaningful RST is judged; later
 * ones answer segments of the dead connection.
 */
import type { Layer } from "../model/finding.ts";
import type { ConnectionSummary, ResetKind, RstEvidence } from "../tcp/types.ts";
import type { ConnectionTrack, ResetSighting } from "./connection-track.ts";
import { endpointText } from "./endpoint-text.ts";
import { roundMs } from "./ms-text.ts";
import { refusedAttempts } from "./refused-attempts.ts";
import type { RuleContext, RuleFactory } from "./rule.ts";

export type ResetCauseKind =
  | "middlebox-reset"
  | "connection-refused"
  | "tls-shutdown-reset"
  | "keep-alive-reuse-race"
  | "reset-unread-data"
  | "abortive-reset";

export interface ResetCause {
  kind: ResetCauseKind;
  reset: RstEvidence;
  /** What the packets showed around the RST, when the track saw it. */
  sighting: ResetSighting | undefined;
}

/** RST kinds that end a live connection (the others echo an earlier end). */
const ENDING_KINDS: ReadonlySet<ResetKind> = new Set<ResetKind>([
  "refused",
  "close-with-unread-data",
  "data-after-close",
  "abort-mid-transfer",
  "abort",
  "middlebox-injected",
]);

interface CauseTest {
  kind: ResetCauseKind;
  holds(
    reset: RstEvidence,
    sighting: ResetSighting | undefined,
    summary: ConnectionSummary,
  ): boolean;
}

/**
 * TTL difference that betrays another sender: hosts start every packet at one initial TTL, so a
 * reset whose TTL differs from its purported sender's handshake by this much came from another
 * hop (the tcp stage's resets.ts uses the same 2, with at least two earlier packets).
 */
export const FORGED_TTL_DELTA = 2;

/** The RST's TTL is not its purported sender's: compared with the sender's first packet. */
function ttlBetraysForgery(reset: RstEvidence, summary: ConnectionSummary): boolean {
  const sent = reset.sentBy === "server" ? summary.toClient : summary.toServer;
  if (sent.ttl === null || reset.ttl <= 0 || sent.segments < 2) return false;
  return Math.abs(reset.ttl - sent.ttl.first) >= FORGED_TTL_DELTA;
}

/** Precedence, first match wins. */
export const RESET_CAUSES: readonly CauseTest[] = [
  // The RST's TTL or IP ID betrays a third party (tcp stage, resets.ts); also when the sender's
  // only earlier packet was its handshake (a middlebox that blocks the first request).
  {
    kind: "middlebox-reset",
    holds: (r, _s, summary) => r.kind === "middlebox-injected" || ttlBetraysForgery(r, summary),
  },
  { kind: "connection-refused", holds: (r) => r.kind === "refused" },
  // The RST's sender had closed (FIN) and all its peer sent after that was a lone TLS alert: the
  // peer's close_notify answering the close reached a socket already closed. A normal TLS end.
  { kind: "tls-shutdown-reset", holds: (_r, s) => s?.alertsOnlyAfterFin === true },
  // The server had sent FIN (its keep-alive timeout closed the idle connection) and the client
  // wrote a request after it: the server's kernel answers data for a closed socket with RST.
  {
    kind: "keep-alive-reuse-race",
    holds: (r, s) =>
      r.sentBy === "server" &&
      s !== undefined &&
      s.serverFinMs >= 0 &&
      s.requestStartMs > s.serverFinMs,
  },
  // Data came in that the app never read: RST instead of FIN on close() (RFC 2525 §2.17). The
  // packets prove it when the RST acknowledges bytes its sender had not acknowledged before.
  {
    kind: "reset-unread-data",
    holds: (r, s) =>
      r.kind === "data-after-close" ||
      (r.kind === "close-with-unread-data" && s !== undefined && s.ackNovel),
  },
  // Everything received had been acknowledged: the app aborted (SO_LINGER {1, 0}, Node's
  // socket.resetAndDestroy(), a killed process).
  {
    kind: "abortive-reset",
    holds: (r) =>
      r.kind === "abort" || r.kind === "abort-mid-transfer" || r.kind === "close-with-unread-data",
  },
];

/** The cause of the connection's first meaningful reset, or null. */
export function resetCause(
  summary: ConnectionSummary,
  track: ConnectionTrack | undefined,
): ResetCause | null {
  for (const reset of summary.resets) {
    if (!ENDING_KINDS.has(reset.kind)) continue;
    const sighting = track?.resets.find((s) => s.frame === reset.frame);
    for (const test of RESET_CAUSES) {
      if (test.holds(reset, sighting, summary)) return { kind: test.kind, reset, sighting };
    }
    return null;
  }
  return null;
}

/**
 * What the reset cost: from the start of the request in progress (client bytes not yet answered)
 * to the RST, the time the client spent on a request that failed; 0 when none was in progress.
 */
export function resetCostMs(cause: ResetCause): number {
  const s = cause.sighting;
  if (s === undefined || s.requestStartMs < 0 || s.lastDataSide !== 0) return 0;
  return Math.max(0, s.timeMs - s.requestStartMs);
}

/**
 * A refused connection's cost: its first SYN → the server's last reset, the time the client spent
 * on attempts that were refused (one SYN → RST is ~0; a client that retries on the same port
 * spends its retry interval each time).
 */
function refusedSpan(
  summary: ConnectionSummary,
  track: ConnectionTrack | undefined,
  cause: ResetCause,
): { costMs: number; spanMs: [number, number] } {
  const startMs = track !== undefined && track.firstSynMs >= 0 ? track.firstSynMs : summary.startMs;
  let endMs =
    cause.sighting !== undefined ? cause.sighting.timeMs : summary.startMs + cause.reset.atMs;
  for (const reset of summary.resets) {
    if (reset.sentBy === "server") endMs = Math.max(endMs, summary.startMs + reset.atMs);
  }
  return { costMs: Math.max(0, endMs - startMs), spanMs: [startMs, Math.max(startMs, endMs)] };
}

/**
 * The rule behind each reset kind: reports the connection's reset when its cause is `kind`, as a
 * failure (severity error; information when an app reset a connection with no request in
 * progress), charged to `layerOf(cause)`.
 */
export function resetCauseRule(
  kind: ResetCauseKind,
  layerOf: (cause: ResetCause) => Layer,
): RuleFactory {
  return (context: RuleContext) => ({
    onConnection(summary: ConnectionSummary, track: ConnectionTrack | undefined): void {
      const cause = resetCause(summary, track);
      if (cause === null || cause.kind !== kind) return;
      const s = cause.sighting;
      const refused = kind === "connection-refused" ? refusedSpan(summary, track, cause) : null;
      const shutdown = kind === "tls-shutdown-reset";
      // A TLS shutdown costs nothing: every response had arrived before the alert.
      const costMs = shutdown ? 0 : refused === null ? resetCostMs(cause) : refused.costMs;
      const frames: number[] = [];
      if (kind === "connection-refused") frames.push(summary.firstFrame);
      else if (shutdown && s !== undefined) {
        if (s.senderFinFrame > 0) frames.push(s.senderFinFrame);
        frames.push(s.alertFrame);
      } else if (s !== undefined && s.lastDataSide === 0 && s.requestStartFrame > 0) {
        frames.push(s.requestStartFrame);
      }
      if (kind === "keep-alive-reuse-race" && s !== undefined) frames.unshift(s.serverFinFrame);
      frames.push(cause.reset.frame);
      const facts: Record<string, number | string> = {
        resetBy: cause.reset.sentBy,
        resetKind: cause.reset.kind,
      };
      if (kind === "keep-alive-reuse-race" && s !== undefined) {
        facts.finToRequestMs = roundMs(s.requestStartMs - s.serverFinMs);
      }
      if (kind === "middlebox-reset") {
        const sent = cause.reset.sentBy === "server" ? summary.toClient : summary.toServer;
        facts.evidence =
          cause.reset.kind === "middlebox-injected"
            ? cause.reset.evidence.join("; ")
            : `IP TTL ${cause.reset.ttl}, while the ${cause.reset.sentBy}'s handshake had ${sent.ttl?.first}`;
      }
      // An app that resets a connection whose last exchange had completed (browsers and some
      // clients close idle connections that way) made no request fail: information. A request the
      // reset left without its response did fail, even when the server had sent something first
      // (a banner of another protocol, a partial response).
      const idleEnd =
        (kind === "abortive-reset" || kind === "reset-unread-data") &&
        (s === undefined || s.lastDataSide !== 0) &&
        (track === undefined || track.failedExchanges === 0);
      context.sink.add({
        kind,
        layer: layerOf(cause),
        severity: idleEnd || shutdown ? "info" : "error",
        count: refused === null ? 1 : refusedAttempts(summary),
        costMs,
        ...(refused === null ? {} : { spanMs: refused.spanMs }),
        endpoint: endpointText(summary.server),
        frames,
        connection: summary.stream,
        exchange: -1,
        facts,
      });
    },
  });
}
