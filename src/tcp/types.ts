/**
 * Public types of the tcp stage: what the analyzer returns for each connection and for the whole
 * capture. These objects are the JSON the `conns` command prints (docs/tcp-analysis.md documents
 * every field).
 */
import type { ConnState } from "./conn-state.ts";
import type { Connection } from "./connection.ts";
import type { TcpLimits } from "./limits.ts";
import type { RttSummary } from "./rtt-stats.ts";
import type { SeriesPoints } from "./series.ts";

/**
 * Flag totals, counted as tshark's display filters count frames: `retransmission` includes fast
 * and spurious retransmissions (tcp.analysis.retransmission matches them), `reset` counts
 * segments with the RST bit.
 */
export const FLAG_COUNT_KEYS = [
  "retransmission",
  "fastRetransmission",
  "spuriousRetransmission",
  "duplicateAck",
  "outOfOrder",
  "lostSegment",
  "ackedUnseen",
  "zeroWindow",
  "zeroWindowProbe",
  "windowFull",
  "windowUpdate",
  "keepAlive",
  "reset",
] as const;
export type FlagCountKey = (typeof FLAG_COUNT_KEYS)[number];
export type FlagCounts = Record<FlagCountKey, number>;

export type Role = "client" | "server";

/** How the client was told from the server. */
export type RoleSource =
  /** The client sent the SYN. */
  | "syn"
  /** No SYN seen; the server sent the SYN/ACK. */
  | "syn-ack"
  /** No handshake; a well-known or non-ephemeral port marks the server. */
  | "ports"
  /** No handshake and no port hint; the first sender of payload is taken as the client. */
  | "first-sender";

export type ResetKind =
  /** RST in answer to a SYN: no listener on the port (kernel), or a firewall's reject. */
  | "refused"
  /** The client reset the connection during the handshake (e.g. answered a SYN/ACK with RST). */
  | "handshake-abort"
  /** Established; the RST sender had received data it had not answered: close() with unread data (RFC 2525 §2.17). */
  | "close-with-unread-data"
  /** The RST sender had already sent FIN, then data arrived for its closed socket. */
  | "data-after-close"
  /** Established, data in flight, no FIN: an abortive close (SO_LINGER 0, a killed process). */
  | "abort-mid-transfer"
  /** Established and idle, no FIN: an abortive close. */
  | "abort"
  /** After both FINs: a late reset of a closing connection. */
  | "after-close"
  /** The sender had already reset: the answer to a late segment of the dead connection. */
  | "after-reset"
  /** No handshake seen and no better explanation. */
  | "midstream"
  /** The IP TTL or ID does not match the purported sender's other packets: sent by a middlebox. */
  | "middlebox-injected";

export interface RstEvidence {
  frame: number;
  /** Milliseconds since the connection's first packet. */
  atMs: number;
  /** Which endpoint the RST claims to come from. */
  sentBy: Role;
  kind: ResetKind;
  /** Plain-language reasons, each naming the packets or values relied on. */
  evidence: string[];
  ttl: number;
  ipId: number;
  /** The classification the RST would have had if it were genuine (for middlebox-injected). */
  otherwise?: ResetKind;
}

export type VantageKind = "client-side" | "server-side" | "loopback" | "middle" | "unknown";

export interface Vantage {
  kind: VantageKind;
  /** 0..1. */
  confidence: number;
  evidence: string[];
}

export interface Endpoint {
  address: string;
  port: number;
}

export interface DirectionSummary {
  /** Absolute initial sequence number, when the SYN (or SYN/ACK) was seen. */
  isn: number | null;
  mss: number | null;
  /** Window scale shift negotiated (RFC 7323), null when not used or not known. */
  windowScale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  ecn: { negotiated: boolean; ceMarks: number; eceEchoes: number };
  segments: number;
  /** Frame bytes on the wire (link headers included), as tshark's conversation table counts them. */
  bytes: number;
  payloadBytes: number;
  retransmittedBytes: number;
  retransmissions: number;
  zeroWindows: number;
  rst: number;
  fin: number;
  ttl: { first: number; min: number; max: number } | null;
  /** Data→ACK round trips (Karn: never from a retransmitted segment). */
  ackRtt: RttSummary | null;
  /** TCP timestamp echo round trips (RFC 7323 §4). */
  tsRtt: RttSummary | null;
  bytesInFlight: SeriesPoints;
  /** Receive window this direction's sender advertised (scaled). */
  receiveWindow: SeriesPoints;
}

export interface HandshakeSummary {
  /** Wireshark's iRTT: most recent SYN to the first pure ACK. */
  irttMs: number | null;
  /** SYN → SYN/ACK (at a client-side capture, the whole path RTT). */
  synToSynAckMs: number | null;
  /** SYN/ACK → ACK (at a server-side capture, the whole path RTT). */
  synAckToAckMs: number | null;
  /** SYNs sent beyond the first. */
  synRetries: number;
  /** Gaps between successive SYNs (the kernel's retry schedule). */
  synIntervalsMs: number[];
  synAckRetransmissions: number;
  completed: boolean;
  /** No SYN/ACK and no RST ever answered the SYN(s). */
  synUnanswered: boolean;
  /** The handshake completed but no payload went either way. */
  noData: boolean;
}

export interface ConnectionSummary {
  /** tshark's tcp.stream: 0-based, in order of first packet; a reused port starts a new one. */
  stream: number;
  ipVersion: 4 | 6;
  client: Endpoint;
  server: Endpoint;
  roles: { source: RoleSource; confidence: number };
  firstFrame: number;
  lastFrame: number;
  /** Milliseconds since the first packet of the capture. */
  startMs: number;
  /** Seconds since the Unix epoch (fractional). */
  startEpochSec: number;
  durationMs: number;
  packets: number;
  state: ConnState;
  history: string;
  handshake: HandshakeSummary;
  toServer: DirectionSummary;
  toClient: DirectionSummary;
  flags: FlagCounts;
  resets: RstEvidence[];
  /** RSTs beyond those kept in `resets`. */
  resetsNotKept: number;
  vantage: Vantage;
  /** Named oddities (e.g. "syn-with-fin": 1). */
  anomalies: Record<string, number>;
}

export interface ConnectionsTotals {
  connections: number;
  /** Packets given to the analyzer, and those that were TCP. */
  packets: number;
  tcpPackets: number;
  flags: FlagCounts;
  anomalies: Record<string, number>;
  vantage: Vantage;
  /** Present when a memory cap was reached (TcpAnalyzerOptions.maxConnections; limits.ts). */
  limits?: TcpLimits;
}

export interface ConnectionsResult {
  connections: ConnectionSummary[];
  totals: ConnectionsTotals;
}

export interface TcpAnalyzerOptions {
  /** Points kept per graph series (bytes in flight, receive window) per direction; 0 disables. */
  seriesMaxPoints?: number;
  /** Called for each connection when it is finalized (closed and idle, reused, or at finish). */
  onConnection?: (summary: ConnectionSummary) => void;
  /**
   * Called for each connection when it is finalized, before onConnection, with the Connection
   * itself (its per-segment state already released). A summary is built only for onConnection
   * and keepSummaries: a caller that only needs to know the connection ended pays for none.
   */
  onConnectionEnd?: (conn: Connection) => void;
  /** Keep the summaries to return them from finish() (default true). */
  keepSummaries?: boolean;
  /**
   * Flag every packet (Wireshark's tcp.analysis.*: onPacket's return value, the totals' flag
   * counts); default true, and always when summaries are built. false for a reader that needs a
   * connection's handshake, roles, vantage and RTT but no packet's flags (the exchange stage
   * alone): a connection is then classified only until its handshake gives it a round trip
   * (before that its RTT comes from ACKs, which needs the retransmission flags), and later
   * packets return 0 and keep no unacknowledged-segment list.
   */
  flagPackets?: boolean;
  /**
   * At most this many connections with live state (default: no cap). Past it the oldest idle one
   * is summarised at once and counted in ConnectionsTotals.limits; closed connections' tombstones
   * are capped at TOMBSTONES_PER_CONNECTION times as many.
   */
  maxConnections?: number;
}

/**
 * The counts `values` holds in FLAG_COUNT_KEYS order, as FlagCounts. Written out as a literal:
 * built key by key, V8 makes the object a dictionary (~3 µs, once per connection summary).
 */
export function flagCountsOf(values: ArrayLike<number>): FlagCounts {
  return {
    retransmission: values[0]!,
    fastRetransmission: values[1]!,
    spuriousRetransmission: values[2]!,
    duplicateAck: values[3]!,
    outOfOrder: values[4]!,
    lostSegment: values[5]!,
    ackedUnseen: values[6]!,
    zeroWindow: values[7]!,
    zeroWindowProbe: values[8]!,
    windowFull: values[9]!,
    windowUpdate: values[10]!,
    keepAlive: values[11]!,
    reset: values[12]!,
  };
}

const NO_FLAGS: readonly number[] = FLAG_COUNT_KEYS.map(() => 0);

export function emptyFlagCounts(): FlagCounts {
  return flagCountsOf(NO_FLAGS);
}
