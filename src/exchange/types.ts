/**
 * The exchange stage's public types: one request and its response, with phases that tile the
 * exchange's whole duration (no gap, no overlap), each charged to layers.
 *
 * `wirewhy exchanges --json` prints `{ exchanges: Exchange[] }`; `wirewhy analyze --json`
 * (schema wirewhy.analysis/1) embeds the same objects. The names below are a contract: add fields
 * freely, never rename or remove one without a new schema version.
 */
import type { Layer } from "../model/finding.ts";

export type ExchangeProtocol = "http1" | "http2" | "tls" | "dns" | "generic";

export type PhaseName =
  /** The DNS query that resolved the server's address, when linked to the connection. */
  | "dns"
  /** SYN → the client's handshake ACK (first exchange of a connection only). */
  | "connect"
  /** ClientHello → the client's first application data (first exchange of a TLS connection). */
  | "tls"
  /** First → last request byte (upload). */
  | "request"
  /** Last request byte → first response byte. */
  | "wait"
  /** First → last response byte (download). */
  | "response"
  /** Time on an idle connection before this request: the client had nothing to send. */
  | "idle"
  /**
   * A linked DNS response → the SYN of the connection it resolved: the client had the address and
   * had not connected yet (its own scheduling, or a connection pool's work).
   */
  | "client-gap";

export interface Phase {
  name: PhaseName;
  /** Milliseconds since the capture's first packet. */
  startMs: number;
  durationMs: number;
  /** Frames that bound the phase: [first, last] (1-based, as Wireshark numbers them). */
  frames: number[];
  /** The layer charged the largest share of this phase. */
  layer: Layer;
  /**
   * Milliseconds of this phase charged to each layer; the values sum to durationMs exactly.
   * The exchange stage charges by the vantage (e.g. a client-side wait = one RTT to the network,
   * the rest to the server app); the diagnose stage may re-charge what a finding proves.
   */
  charges: Partial<Record<Layer, number>>;
}

export interface ExchangeRequest {
  /** HTTP method, "" for other protocols. */
  method: string;
  /** HTTP target, the TLS SNI, or the DNS query name. */
  target: string;
  host: string;
  /** Request bytes (head + body for HTTP; application bytes otherwise). */
  bytes: number;
  firstFrame: number;
  lastFrame: number;
}

export interface ExchangeResponse {
  /** HTTP status; DNS rcode; 0 when there is none. */
  status: number;
  bytes: number;
  firstFrame: number;
  lastFrame: number;
  /** The frame of the ACK that covered the last response byte, 0 when not seen. */
  ackFrame: number;
}

export type ExchangeOutcome =
  | "complete"
  /** No response before the connection ended. */
  | "no-response"
  /** A RST ended the connection before the response was complete. */
  | "reset"
  /** The capture ended first. */
  | "truncated"
  /** Bytes the capture missed inside the exchange. */
  | "gap";

export interface ExchangeTls {
  /** SNI from the ClientHello ("" when absent). */
  serverName: string;
  /** ALPN protocols the client offered, and the one the server chose when visible (≤ TLS 1.2). */
  alpnOffered: string[];
  alpn: string;
  /** Negotiated version (0x0304 = TLS 1.3), 0 when no ServerHello was seen; and its name. */
  version: number;
  versionName: string;
  resumed: boolean;
  /** Server flights the client waited for before it could send data. */
  handshakeRoundTrips: number;
  handshakeComplete: boolean;
  /**
   * Inside the handshake, how long the client's flights after its first waited on the client
   * after the server's flight before them (capture clock: a round trip included when the capture
   * is away from the client). 0 when it answered at once.
   */
  clientWaitMs?: number;
}

export interface ExchangeDns {
  transport: "udp" | "tcp";
  id: number;
  qtypeName: string;
  rcodeName: string;
  retries: number;
  /** What the client waited (first query → response), and tshark's dns.time (first query to the
   * answering server → response); -1 when unanswered. */
  latencyMs: number;
  serverLatencyMs: number;
  addresses: string[];
}

export interface Exchange {
  /**
   * 0-based, in the order the exchanges were emitted: when each completed (its response ended,
   * or its connection did). Sort by startMs for the order of the requests.
   */
  id: number;
  protocol: ExchangeProtocol;
  /** The connection's id in `wirewhy conns` (tcp.stream); -1 for DNS over UDP. */
  connection: number;
  /** 0-based position of this exchange on its connection. */
  index: number;
  client: string;
  server: string;
  request: ExchangeRequest;
  response: ExchangeResponse | null;
  outcome: ExchangeOutcome;
  startMs: number;
  durationMs: number;
  phases: Phase[];
  /** The vantage the charges assumed (the connection's, from the tcp stage). */
  vantage?: VantageKind;
  /** The round trip the charges used: the handshake's iRTT, else the least data→ACK RTT. */
  rttMs?: number | null;
  /** The id of the DNS exchange whose time the "dns" phase repeats (do not count it twice). */
  dnsExchangeId?: number;
  /**
   * The capture cut the connection's payloads (a snaplen that keeps only headers): this exchange is
   * a client turn and the server turn after it, with the method, target and status read from the
   * captured start lines when HTTP/1; byte counts are the wire's.
   */
  framedByTurns?: boolean;
  /** Interim (1xx) responses folded into this exchange's response (HTTP only). */
  interimResponses?: number;
  /** TLS handshake facts (protocol "tls", or HTTP over a connection that began with TLS). */
  tls?: ExchangeTls;
  /** DNS facts (protocol "dns"). */
  dns?: ExchangeDns;
  /**
   * No answer was due: the message is the client's last before it closed its side (a TLS
   * close_notify, a QUIT), or a protocol wirewhy cannot read that the peers closed normally
   * without answering. An unanswered exchange with this set is not a failure.
   */
  oneWay?: true;
  /**
   * The client reset the request itself because it no longer wanted the answer (an HTTP/2
   * RST_STREAM with CANCEL or NO_ERROR: a browser leaving the page, a raced lookup already
   * answered): its choice, not a failure.
   */
  cancelled?: true;
}

/**
 * One packet as the single analysis pass sees it, after the tcp stage classified it. Observers
 * (the diagnose stage's per-packet rules) get the same object reused for every packet: copy what
 * you keep.
 */
export interface PassPacket {
  record: PacketRecord;
  view: PacketView;
  /** AnalysisFlag bits from the tcp stage (0 for non-TCP packets). */
  flags: number;
  /** Duplicate-ACK number when `flags` has DUP_ACK, else 0. */
  dupAckNumber: number;
  /** tcp.stream of the packet's connection; -1 for non-TCP packets. */
  connection: number;
  /** Sent by the connection's client (the SYN sender, or the side inferred as client). */
  fromClient: boolean;
  /**
   * The packet came after its connection closed (both FINs acknowledged, or a reset): a late
   * retransmission or TIME_WAIT packet of `connection`, whose summary was already emitted.
   */
  afterClose: boolean;
  /** Milliseconds since the capture's first packet. */
  timeMs: number;
}

/** What the diagnose stage plugs into the pass. Every method is optional. */
export interface PassObserver {
  onPacket?(packet: PassPacket): void;
  /** Each exchange once it is complete (or ended); the pass keeps none unless asked. */
  onExchange?(exchange: Exchange): void;
  /** Each TCP connection's summary once the tcp stage finalizes it. */
  onConnection?(connection: ConnectionSummary): void;
  /** Each DNS transaction (UDP or TCP) once answered or given up. */
  onDns?(transaction: DnsTransaction): void;
}

import type { PacketRecord } from "../capture/types.ts";
import type { PacketView } from "../decode/types.ts";
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { ConnectionSummary, VantageKind } from "../tcp/types.ts";
