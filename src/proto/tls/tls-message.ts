/** What the TLS parser reports for one connection. */
import type { StreamDir } from "../types.ts";

export interface TlsAlert {
  dir: StreamDir;
  /** 1 warning, 2 fatal; 0 when the alert was encrypted. */
  level: number;
  description: number;
  /** "close_notify", "unknown_ca", ...; "encrypted" when the alert was sent after the keys changed. */
  name: string;
  frame: number;
  timeMs: number;
}

export interface TlsSessionMessage {
  protocol: "tls";
  kind: "session";
  /** Version in the first record header (0x0301 is common for ClientHello records). */
  recordVersion: number;
  // ── ClientHello (the last one, after a HelloRetryRequest) ──
  clientHelloSeen: boolean;
  clientLegacyVersion: number;
  serverName: string;
  alpnOffered: string[];
  /** supported_versions offered (RFC 8446 §4.2.1), GREASE removed, in the client's order. */
  versionsOffered: number[];
  cipherSuitesOffered: number;
  /** pre_shared_key extension: the client offers resumption (RFC 8446 §4.2.11). */
  pskOffered: boolean;
  /** early_data extension: the client sends 0-RTT data (RFC 8446 §4.2.10). */
  earlyDataOffered: boolean;
  /** A non-empty session_ticket extension (RFC 5077 §3.2): TLS ≤1.2 ticket resumption. */
  sessionTicketOffered: boolean;
  clientHelloCount: number;
  // ── ServerHello ──
  serverHelloSeen: boolean;
  helloRetryRequest: boolean;
  /** The negotiated version: supported_versions in ServerHello, else its legacy version. */
  version: number;
  versionName: string;
  cipherSuite: number;
  /** ALPN chosen, when visible (in ServerHello up to TLS 1.2; encrypted in TLS 1.3). */
  alpn: string;
  /** The server accepted resumption: PSK in a 1.3 ServerHello, or an echoed session id (≤1.2). */
  resumed: boolean;
  // ── Certificates (in clear up to TLS 1.2) ──
  /** Server certificates in the chain; -1 when not visible. */
  certificateCount: number;
  certificateBytes: number;
  /** The client sent a non-empty Certificate (mutual TLS, visible up to 1.2). */
  clientCertificate: boolean;
  // ── Timing (first byte of each message; -1 when not seen) ──
  clientHelloFrame: number;
  clientHelloTimeMs: number;
  serverHelloFrame: number;
  serverHelloTimeMs: number;
  /** Last byte of the server's first flight (the one with the ServerHello). */
  serverFlightEndFrame: number;
  serverFlightEndTimeMs: number;
  /** The client's Finished (first encrypted handshake record: after its CCS up to 1.2, the first
   *  encrypted record in 1.3). */
  clientFinishedFrame: number;
  clientFinishedTimeMs: number;
  /** The server's Finished (up to 1.2; hidden among encrypted records in 1.3). */
  serverFinishedFrame: number;
  serverFinishedTimeMs: number;
  /**
   * Last byte of the server's last handshake-phase record (its last flight: Finished up to 1.2,
   * the encrypted flight in 1.3): from there the server waits for the client. -1 when not seen.
   */
  serverHandshakeEndFrame: number;
  serverHandshakeEndTimeMs: number;
  /**
   * The client's own time inside the handshake: each of its flights after the first began this
   * long after the server's flight before it ended (a client certificate chosen, a key computed),
   * summed; and how many such flights. Its wait after the server's last flight is not in it.
   */
  clientFlightWaitMs: number;
  clientFlightWaits: number;
  /** First application-data record per direction. */
  clientFirstAppDataFrame: number;
  clientFirstAppDataTimeMs: number;
  serverFirstAppDataFrame: number;
  serverFirstAppDataTimeMs: number;
  /** Server flights the client waited for before it could send application data. */
  handshakeRoundTrips: number;
  /** The handshake got as far as the client's Finished. */
  handshakeComplete: boolean;
  alerts: TlsAlert[];
  appDataRecords: [number, number];
  appDataBytes: [number, number];
  /** A direction stopped being parsed: not TLS, or a gap made the record layer unreadable. */
  recordLayerLost: boolean;
}

export function newTlsSession(): TlsSessionMessage {
  return {
    protocol: "tls",
    kind: "session",
    recordVersion: 0,
    clientHelloSeen: false,
    clientLegacyVersion: 0,
    serverName: "",
    alpnOffered: [],
    versionsOffered: [],
    cipherSuitesOffered: 0,
    pskOffered: false,
    earlyDataOffered: false,
    sessionTicketOffered: false,
    clientHelloCount: 0,
    serverHelloSeen: false,
    helloRetryRequest: false,
    version: 0,
    versionName: "",
    cipherSuite: -1,
    alpn: "",
    resumed: false,
    certificateCount: -1,
    certificateBytes: 0,
    clientCertificate: false,
    clientHelloFrame: -1,
    clientHelloTimeMs: 0,
    serverHelloFrame: -1,
    serverHelloTimeMs: 0,
    serverFlightEndFrame: -1,
    serverFlightEndTimeMs: 0,
    clientFinishedFrame: -1,
    clientFinishedTimeMs: 0,
    serverFinishedFrame: -1,
    serverFinishedTimeMs: 0,
    serverHandshakeEndFrame: -1,
    serverHandshakeEndTimeMs: 0,
    clientFlightWaitMs: 0,
    clientFlightWaits: 0,
    clientFirstAppDataFrame: -1,
    clientFirstAppDataTimeMs: 0,
    serverFirstAppDataFrame: -1,
    serverFirstAppDataTimeMs: 0,
    handshakeRoundTrips: 0,
    handshakeComplete: false,
    alerts: [],
    appDataRecords: [0, 0],
    appDataBytes: [0, 0],
    recordLayerLost: false,
  };
}
