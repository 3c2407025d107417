/**
 * The diagnose stage as a PassObserver: it keeps one track per open connection, hands every
 * packet, exchange, connection summary and DNS transaction to the rules, re-charges each exchange
 * with the intervals the rules proved, totals the layers, keeps the slowest exchanges, and groups
 * the rules' occurrences into findings. analyzeCapture plugs it into runPass; tests can feed it
 * directly.
 */

import { exchangeFailed } from "../exchange/exchange-failed.ts";
import type { Exchange, PassObserver, PassPacket } from "../exchange/types.ts";
import { type Finding, LAYERS, type Layer } from "../model/finding.ts";
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { ConnectionSummary } from "../tcp/types.ts";
import { synInProgressAtEnd } from "./capture-end.ts";
import { ConnectionTracks } from "./connection-track.ts";
import { ExchangeMarks, unionCount } from "./exchange-marks.ts";
import { FindingGroups, IDS_PER_FINDING } from "./finding-groups.ts";
import { addExchangeCharges, emptyLayerTotals } from "./layer-totals.ts";
import type { Occurrence } from "./occurrence.ts";
import type { OccurrenceGroup } from "./occurrence-group.ts";
import { ProvenIntervals } from "./proven-intervals.ts";
import { rechargeExchange } from "./recharge-phases.ts";
import { refusedAttempts } from "./refused-attempts.ts";
import type { DiagnoseRule, RuleFactory } from "./rule.ts";
import { DNS_FAILURE } from "./rules/dns-failure.ts";
import { FINDING_KIND_BY_NAME, FINDING_KINDS, RULES } from "./rules/index.ts";
import { SLOW_DNS } from "./rules/slow-dns.ts";
import { SlowestExchanges } from "./slowest-exchanges.ts";
import { TimeUnion } from "./time-union.ts";

/**
 * DNS exchanges remembered until a later exchange links them into its dns phase; a lookup is
 * linked within DNS_LINK_WINDOW_MS (10 s), so this only bounds memory on DNS-heavy captures.
 */
const DNS_CHARGES_KEPT = 4096;

/** The kinds read from DNS transactions alone (UDP's among them), not from connections. */
const DNS_KINDS: ReadonlySet<string> = new Set([SLOW_DNS, DNS_FAILURE]);

export interface DiagnosisOptions {
  /** How many of the slowest exchanges to keep; Infinity keeps all. */
  keepExchanges: number;
  /** The rules to run (default: every rule). */
  rules?: readonly RuleFactory[];
  /** Only connections whose client port is in this set (default: all). */
  clientPorts?: ReadonlySet<number>;
}

export class Diagnosis implements PassObserver {
  readonly tracks: ConnectionTracks;
  readonly intervals = new ProvenIntervals();
  readonly groups = new FindingGroups(FINDING_KIND_BY_NAME);
  readonly slowest: SlowestExchanges;
  readonly byLayer: Record<Layer, number> = emptyLayerTotals();
  private readonly rules: DiagnoseRule[];
  private readonly packetRules: DiagnoseRule[];
  private readonly dataPacketRules: DiagnoseRule[];
  private readonly exchangeRules: DiagnoseRule[];
  private readonly connectionRules: DiagnoseRule[];
  private readonly dnsRules: DiagnoseRule[];
  private readonly icmpRules: DiagnoseRule[];
  private readonly clientPorts: ReadonlySet<number> | undefined;
  exchanges = 0;
  totalMs = 0;
  /** Exchanges that ended without a complete response (no response, reset). */
  failedExchanges = 0;
  /** Of those, the ones a reset cut (the rest closed without their answer). */
  resetExchanges = 0;
  /** Connection attempts that never opened (no answer, refused: each refused SYN counts). */
  failedConnections = 0;
  /**
   * The time clients spent on connection attempts that failed, by the layer that failed them:
   * not an exchange's, but time a request waited all the same. Parallel attempts count once.
   */
  private readonly failedAttemptTime = {
    network: new TimeUnion(),
    "server-os": new TimeUnion(),
  } as const;
  /** Milliseconds of failedAttemptTime, added to byLayer and totalMs by finish(). */
  failedConnectionsMs = 0;
  connections = 0;
  /** Epoch time of the first and last packet, NaN before any. */
  firstEpochMs = Number.NaN;
  private lastTsSec = Number.NaN;
  private lastTsNsec = 0;
  lastTimeMs = 0;

  constructor(options: DiagnosisOptions) {
    const factories = options.rules ?? RULES;
    this.tracks = new ConnectionTracks(factories.length);
    this.slowest = new SlowestExchanges(options.keepExchanges);
    this.clientPorts = options.clientPorts;
    this.rules = factories.map((factory, slot) =>
      factory({ sink: this.groups, intervals: this.intervals, slot, clock: this }),
    );
    this.packetRules = this.rules.filter((r) => r.onPacket !== undefined);
    this.dataPacketRules = this.rules.filter((r) => r.onDataPacket !== undefined);
    this.exchangeRules = this.rules.filter((r) => r.onExchange !== undefined);
    this.connectionRules = this.rules.filter((r) => r.onConnection !== undefined);
    this.dnsRules = this.rules.filter((r) => r.onDns !== undefined);
    this.icmpRules = this.rules.filter((r) => r.onIcmp !== undefined);
    this.groups.onAdd = (occurrence, group) => this.markExchanges(occurrence, group);
  }

  onPacket(packet: PassPacket): void {
    const record = packet.record;
    if (record.hasTimestamp) {
      if (Number.isNaN(this.firstEpochMs)) {
        this.firstEpochMs = record.tsSec * 1000 + record.tsNsec / 1e6;
      }
      this.lastTsSec = record.tsSec;
      this.lastTsNsec = record.tsNsec;
    }
    this.lastTimeMs = packet.timeMs;
    if (packet.connection < 0) {
      const transport = packet.view.transport;
      if (transport === "icmp" || transport === "icmpv6") {
        for (const rule of this.icmpRules) rule.onIcmp!(packet);
      }
      return;
    }
    // A closed connection's late packets come after its summary: its track is gone.
    if (packet.afterClose) return;
    const track = this.tracks.track(packet.connection);
    if (this.clientPorts !== undefined) {
      if (track.firstMs < 0) {
        const view = packet.view;
        track.included = this.clientPorts.has(packet.fromClient ? view.srcPort : view.dstPort);
      }
      if (!track.included) {
        if (track.firstMs < 0) track.firstMs = packet.timeMs;
        return;
      }
    }
    const rules = this.packetRules;
    for (let i = 0; i < rules.length; i++) rules[i]!.onPacket!(packet, track);
    if (packet.view.payloadLenBytes > 0) {
      const dataRules = this.dataPacketRules;
      for (let i = 0; i < dataRules.length; i++) dataRules[i]!.onDataPacket!(packet, track);
    }
    track.update(packet);
  }

  /**
   * The finding kinds read from connections' packets, exchanges and summaries (not DNS over
   * UDP's): those a connection summarised early (a memory cap) may leave incomplete.
   */
  connectionKinds(): string[] {
    return FINDING_KINDS.map((k) => k.kind)
      .filter((kind) => !DNS_KINDS.has(kind))
      .sort();
  }

  /** Epoch time of the last timed packet, NaN before any. */
  get lastEpochMs(): number {
    return this.lastTsSec * 1000 + this.lastTsNsec / 1e6;
  }

  onExchange(exchange: Exchange): void {
    const track = exchange.connection >= 0 ? this.tracks.find(exchange.connection) : undefined;
    if (track !== undefined && !track.included) return;
    if (exchange.connection >= 0) {
      const intervals = this.intervals.intervalsOf(exchange.connection);
      if (intervals !== undefined && intervals.length > 0) {
        // Intervals that ended before the exchange's first phase cannot overlap any of them.
        let fromMs = Number.POSITIVE_INFINITY;
        for (const phase of exchange.phases) if (phase.startMs < fromMs) fromMs = phase.startMs;
        rechargeExchange(exchange, intervals.list, intervals.firstEndingAfter(fromMs));
      }
    }
    const failed = exchangeFailed(exchange);
    track?.noteExchange(
      exchange.id,
      failed,
      exchange.startMs,
      exchange.startMs + exchange.durationMs,
    );
    this.current = exchange;
    for (const rule of this.exchangeRules) rule.onExchange!(exchange, track);
    this.current = undefined;
    this.exchanges++;
    this.totalMs += exchange.durationMs;
    const charged = emptyLayerTotals();
    addExchangeCharges(charged, exchange);
    for (const layer of LAYERS) this.byLayer[layer] += charged[layer];
    if (exchange.protocol === "dns")
      this.rememberDnsCharges(exchange.id, exchange.durationMs, charged);
    // A lookup linked into this exchange's dns phase is counted there: take out its own row's time.
    if (exchange.dnsExchangeId !== undefined) this.forgetDnsCharges(exchange.dnsExchangeId);
    if (failed) {
      this.failedExchanges++;
      if (exchange.outcome === "reset") this.resetExchanges++;
    }
    this.slowest.offer(exchange);
  }

  /** DNS exchanges not yet linked to a later exchange (bounded: the oldest go first). */
  private readonly dnsCharges = new Map<
    number,
    { durationMs: number; charged: Record<Layer, number> }
  >();

  private rememberDnsCharges(id: number, durationMs: number, charged: Record<Layer, number>): void {
    if (this.dnsCharges.size >= DNS_CHARGES_KEPT) {
      const oldest = this.dnsCharges.keys().next().value;
      if (oldest !== undefined) this.dnsCharges.delete(oldest);
    }
    this.dnsCharges.set(id, { durationMs, charged });
  }

  private forgetDnsCharges(id: number): void {
    const dns = this.dnsCharges.get(id);
    if (dns === undefined) return;
    this.dnsCharges.delete(id);
    this.totalMs -= dns.durationMs;
    for (const layer of LAYERS) this.byLayer[layer] -= dns.charged[layer];
  }

  onConnection(summary: ConnectionSummary): void {
    if (this.clientPorts !== undefined && !this.clientPorts.has(summary.client.port)) {
      this.tracks.release(summary.stream);
      this.intervals.release(summary.stream);
      return;
    }
    this.connections++;
    const spanEndMs = summary.startMs + Math.max(0, summary.durationMs);
    if (summary.handshake.synUnanswered) {
      if (!synInProgressAtEnd(summary, this)) {
        this.failedConnections++;
        this.failedAttemptTime.network.add(summary.startMs, spanEndMs);
      }
    } else if (summary.state === "REJ") {
      this.failedConnections += refusedAttempts(summary);
      this.failedAttemptTime["server-os"].add(summary.startMs, spanEndMs);
    }
    const track = this.tracks.find(summary.stream);
    for (const rule of this.connectionRules) rule.onConnection!(summary, track);
    this.tracks.release(summary.stream);
    this.intervals.release(summary.stream);
  }

  onDns(transaction: DnsTransaction): void {
    for (const rule of this.dnsRules) rule.onDns!(transaction);
  }

  /**
   * Ends the rules. Returns the findings in importance order and how many exchanges a finding of
   * severity warning or above names. `vantageConfidence` (0..1) scales the confidence of the kinds
   * whose cost depends on where the capture was taken.
   */
  finish(vantageConfidence = 1): { findings: Finding[]; slowExchanges: number } {
    for (const rule of this.rules) rule.finish?.();
    for (const layer of ["network", "server-os"] as const) {
      const ms = this.failedAttemptTime[layer].lengthMs;
      this.byLayer[layer] += ms;
      this.totalMs += ms;
      this.failedConnectionsMs += ms;
    }
    const ranked = this.groups.findings(vantageConfidence);
    const severeMarks: ExchangeMarks[] = [];
    for (const { finding, group } of ranked) {
      if (finding.severity !== "info" && group.marks !== undefined) severeMarks.push(group.marks);
    }
    return {
      findings: ranked.map((r) => r.finding),
      slowExchanges: severeMarks.length === 0 ? 0 : unionCount(severeMarks),
    };
  }

  /** The exchange the exchange rules are looking at, while they do. */
  private current: Exchange | undefined = undefined;

  private markExchanges(occurrence: Occurrence, group: OccurrenceGroup): void {
    // A cost spent inside one exchange is spent within its span: parallel requests' costs add up
    // to at most the time they covered together (http_espn: 6 s of think time in 2 s is not).
    const current = this.current;
    if (
      current !== undefined &&
      occurrence.exchange === current.id &&
      occurrence.spanMs === undefined &&
      occurrence.spansMs === undefined
    ) {
      occurrence.spanMs = [current.startMs, current.startMs + current.durationMs];
    }
    if (occurrence.exchange < 0 && occurrence.connection < 0) return;
    // A per-request cost below perception does not make its request slow.
    if (occurrence.severity === "info" && FINDING_KIND_BY_NAME.get(occurrence.kind)?.perRequest) {
      return;
    }
    if (group.marks === undefined) group.marks = new ExchangeMarks();
    if (occurrence.exchange >= 0) {
      group.marks.mark(occurrence.exchange);
      return;
    }
    const track = this.tracks.find(occurrence.connection);
    if (track === undefined) return;
    for (const id of track.exchangeIds) group.marks.mark(id);
    if (occurrence.exchanges === undefined && track.exchangeIds.length > 0) {
      occurrence.exchanges = track.exchangeIds.slice(0, IDS_PER_FINDING);
    }
  }
}
