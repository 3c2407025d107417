/**
 * A turn: a run of bytes (or of TLS application-data records) in one direction, ended by the
 * other side sending. For a request/response protocol a client turn is a request and the next
 * server turn its response, whatever the protocol (Redis, Postgres, a custom RPC, TLS without
 * keys).
 */
import type { StreamDir } from "../types.ts";

export interface TurnMessage {
  /** Where the turns come from: "generic" for raw bytes, "tls" for application-data records. */
  protocol: "generic" | "tls";
  kind: "turn";
  dir: StreamDir;
  /** 0-based position among the turns of the connection (both directions). */
  index: number;
  /** Bytes in the turn (TLS: record bytes, headers included); gapBytes of them never captured. */
  bytes: number;
  gapBytes: number;
  /** Segments (generic) or records (TLS) in the turn. */
  units: number;
  startOffsetBytes: number;
  endOffsetBytes: number;
  firstFrame: number;
  firstTimeMs: number;
  lastFrame: number;
  lastTimeMs: number;
  /** False when the stream ended inside the turn (FIN/RST/close without the other side answering). */
  answered: boolean;
}
