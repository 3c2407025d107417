/**
 * The single analysis pass: read → decode → tcp analysis → observers' onPacket → the packet's
 * connection (reassembly, protocol parsers, exchange builder) or, for UDP, the DNS tracker →
 * observers' onExchange / onConnection / onDns.
 *
 * Times are milliseconds since the capture's first packet (whatever its protocol). Memory follows
 * the open connections: each exchange is handed out when complete and not kept; a connection's
 * parsers go when both its directions end, the rest when the tcp stage finalizes it.
 */
import { readCapture } from "../capture/index.ts";
import type { CaptureMeta, PacketRecord } from "../capture/types.ts";
import { createPacketView, decodeRecord, formatIp } from "../decode/index.ts";
import { DnsTracker } from "../proto/dns/dns-tracker.ts";
import { TcpAnalyzer } from "../tcp/analyzer.ts";
import type { Connection } from "../tcp/connection.ts";
import { decideRoles } from "../tcp/roles.ts";
import type { ConnectionSummary, ConnectionsTotals } from "../tcp/types.ts";
import { ConnectionExchanges } from "./connection-exchanges.ts";
import { looksLikeDns, NOT_UNICAST_DNS_PORTS } from "./dns-sniff.ts";
import { ExchangeEmitter } from "./exchange-emitter.ts";
import type { PassObserver, PassPacket } from "./types.ts";

export interface PassOptions {
  maxPackets?: number;
  observers?: PassObserver[];
  /** UDP ports carrying DNS besides 53 (a lab's resolver listens on a random port). */
  dnsPorts?: number[];
  /**
   * Also take UDP datagrams on other ports for DNS when they parse as a DNS query or response
   * (dns-sniff.ts). Default true.
   */
  sniffDns?: boolean;
  /**
   * Keep every connection's summary for PassResult.connections (default true). Observers get
   * each summary through onConnection either way; without keeping them memory stays flat.
   */
  keepConnections?: boolean;
  /**
   * Flag every TCP packet as Wireshark's tcp.analysis does (PassPacket.flags and dupAckNumber,
   * PassResult.totals.flags). Default: when someone reads them, i.e. an observer has onPacket or
   * summaries are built (keepConnections, onConnection). Exchanges do not need them: without,
   * the tcp stage classifies a connection only until its handshake (TcpAnalyzerOptions.flagPackets).
   */
  flagPackets?: boolean;
  /** The tcp stage's cap on connections with live state (TcpAnalyzerOptions.maxConnections). */
  maxConnections?: number;
  /**
   * Called every PROGRESS_PACKETS packets with the packets read and the byte offset of the last
   * one in the (decompressed) input: what a progress bar draws. Without it nothing is counted.
   */
  onProgress?: (packets: number, offsetBytes: number) => void;
}

/** Packets between two onProgress calls (a power of two: one mask test per packet). */
export const PROGRESS_PACKETS = 4096;

export interface PassResult {
  capture: CaptureMeta;
  /** Every TCP connection's summary, in tcp.stream order ([] with keepConnections false). */
  connections: ConnectionSummary[];
  /** totals.flags counts flags only when packets were flagged (PassOptions.flagPackets). */
  totals: ConnectionsTotals;
  /** How many exchanges were emitted. */
  exchanges: number;
  dnsTransactions: number;
  /** Protocol anomalies by name (docs/protocols.md lists them). */
  anomalies: Record<string, number>;
}

/** DNS's well-known port (RFC 1035 §4.2.1). */
const DNS_PORT = 53;

class Pass {
  readonly emitter: ExchangeEmitter;
  readonly analyzer: TcpAnalyzer;
  readonly udpDns: DnsTracker;
  private readonly view = createPacketView();
  readonly packet: PassPacket;
  private readonly packetObservers: PassObserver[];
  private readonly connectionObservers: PassObserver[];
  private readonly states = new Map<number, ConnectionExchanges>();
  private readonly dnsPorts: Set<number>;
  private readonly sniffDns: boolean;
  private lastConn: Connection | undefined = undefined;
  private lastState: ConnectionExchanges | undefined = undefined;
  private firstSec = Number.NaN;
  private firstNsec = 0;

  constructor(options: PassOptions) {
    const observers = options.observers ?? [];
    this.emitter = new ExchangeEmitter(observers);
    this.udpDns = new DnsTracker(this.emitter);
    this.packetObservers = observers.filter((o) => o.onPacket !== undefined);
    this.connectionObservers = observers.filter((o) => o.onConnection !== undefined);
    this.dnsPorts = new Set(options.dnsPorts ?? []);
    this.dnsPorts.add(DNS_PORT);
    this.sniffDns = options.sniffDns ?? true;
    this.analyzer = new TcpAnalyzer({
      seriesMaxPoints: 0,
      keepSummaries: options.keepConnections ?? true,
      flagPackets: options.flagPackets ?? this.packetObservers.length > 0,
      onConnectionEnd: (conn) => this.onConnectionEnd(conn),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
      // Summaries only for those who read them (each costs a few microseconds).
      ...(this.connectionObservers.length > 0
        ? { onConnection: (summary: ConnectionSummary) => this.onConnection(summary) }
        : {}),
    });
    this.packet = {
      record: undefined as unknown as PacketRecord,
      view: this.view,
      flags: 0,
      dupAckNumber: 0,
      connection: -1,
      fromClient: false,
      afterClose: false,
      timeMs: 0,
    };
  }

  onRecord(record: PacketRecord): void {
    if (Number.isNaN(this.firstSec)) {
      this.firstSec = record.tsSec;
      this.firstNsec = record.tsNsec;
    }
    const timeMs = (record.tsSec - this.firstSec) * 1000 + (record.tsNsec - this.firstNsec) / 1e6;
    const view = this.view;
    decodeRecord(record, view);
    const flags = this.analyzer.onPacket(record, view);
    const conn = this.analyzer.lastConnection;
    const p = this.packet;
    p.record = record;
    p.flags = flags;
    p.dupAckNumber = this.analyzer.lastDupAckNumber;
    p.timeMs = timeMs;
    let state: ConnectionExchanges | undefined;
    if (conn !== undefined) {
      state = conn === this.lastConn ? this.lastState : this.stateOf(conn);
      p.connection = conn.stream;
      p.fromClient = (state as ConnectionExchanges).isFromClient(this.analyzer.lastFromA);
      p.afterClose = false;
    } else if (this.analyzer.lastAfterClose) {
      // A late packet of a closed connection (its exchanges are done, its summary emitted).
      p.connection = this.analyzer.lastStream;
      p.fromClient = this.analyzer.lastFromClient;
      p.afterClose = true;
    } else {
      p.connection = -1;
      p.fromClient = false;
      p.afterClose = false;
    }
    const observers = this.packetObservers;
    for (let i = 0; i < observers.length; i++) observers[i].onPacket?.(p);
    if (state !== undefined) {
      if (!state.closed) state.onPacket(view, record.frame, timeMs, p.fromClient);
      return;
    }
    if (view.transport === "udp" && view.srcPort >= 0 && view.payloadOffset >= 0) {
      if (view.ipIsFragment && view.ipFragmentOffsetBytes > 0) return;
      this.onUdp(record.frame, timeMs);
    }
  }

  private stateOf(conn: Connection): ConnectionExchanges {
    let state = this.states.get(conn.stream);
    if (state === undefined) {
      state = new ConnectionExchanges(conn, decideRoles(conn).clientIsA, this.emitter);
      this.states.set(conn.stream, state);
    }
    this.lastConn = conn;
    this.lastState = state;
    return state;
  }

  private onUdp(frame: number, timeMs: number): void {
    const view = this.view;
    const sp = view.srcPort;
    const dp = view.dstPort;
    const start = view.payloadOffset;
    const end = start + view.payloadCapturedBytes;
    const ports = this.dnsPorts;
    if (!ports.has(sp) && !ports.has(dp)) {
      if (!this.sniffDns) return;
      if (NOT_UNICAST_DNS_PORTS.includes(sp) || NOT_UNICAST_DNS_PORTS.includes(dp)) return;
      if (!looksLikeDns(view.bytes, start, end)) return;
    }
    const v = view.ipVersion;
    if (v === 0) return;
    const src = `${formatIp(view.bytes, view.ipSrcOffset, v)} ${sp}`;
    const dst = `${formatIp(view.bytes, view.ipDstOffset, v)} ${dp}`;
    this.udpDns.onMessage("udp", src, dst, view.bytes.subarray(start, end), frame, timeMs);
  }

  /** The tcp stage finalized `conn`: its exchanges end (before observers see its summary). */
  private onConnectionEnd(conn: Connection): void {
    const state = this.states.get(conn.stream);
    if (state === undefined) return;
    this.states.delete(conn.stream);
    if (state === this.lastState) {
      this.lastConn = undefined;
      this.lastState = undefined;
    }
    state.finish();
  }

  private onConnection(summary: ConnectionSummary): void {
    const observers = this.connectionObservers;
    for (let i = 0; i < observers.length; i++) observers[i].onConnection?.(summary);
  }
}

/** One pass over the capture at `source` (a file, or "-" for standard input). */
export async function runPass(source: string, options: PassOptions = {}): Promise<PassResult> {
  const pass = new Pass(options);
  const onProgress = options.onProgress;
  const capture = await readCapture(
    source,
    onProgress === undefined
      ? (record) => pass.onRecord(record)
      : (record) => {
          if ((record.frame & (PROGRESS_PACKETS - 1)) === 0)
            onProgress(record.frame, record.fileOffset);
          pass.onRecord(record);
        },
    options.maxPackets !== undefined ? { maxPackets: options.maxPackets } : {},
  );
  const { connections, totals } = pass.analyzer.finish();
  pass.udpDns.finish(pass.packet.timeMs);
  const emitter = pass.emitter;
  return {
    capture,
    connections,
    totals,
    exchanges: emitter.exchanges,
    dnsTransactions: emitter.dnsTransactions,
    anomalies: Object.fromEntries([...emitter.anomalies].sort()),
  };
}
