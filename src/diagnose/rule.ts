/**
 * A diagnose rule: one named cause, detected from what the single analysis pass delivers
 * (packets, exchanges, connection summaries, DNS transactions), reported as Occurrences. Each rule
 * file under rules/ defines its kind in its header comment with the source of the rule, and
 * exports a FindingKind (the words of its findings) and a RuleFactory.
 */
import type { Exchange, PassPacket } from "../exchange/types.ts";
import type { Severity } from "../model/finding.ts";
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import type { ConnectionSummary } from "../tcp/types.ts";
import type { CaptureClock } from "./capture-end.ts";
import type { ConnectionTrack } from "./connection-track.ts";
import type { OccurrenceSink } from "./occurrence.ts";
import type { OccurrenceGroup } from "./occurrence-group.ts";
import type { ProvenIntervals } from "./proven-intervals.ts";

export interface RuleContext {
  readonly sink: OccurrenceSink;
  readonly intervals: ProvenIntervals;
  /** This rule's index into ConnectionTrack.slots. */
  readonly slot: number;
  /** The latest packet's time: at the end of the pass, the capture's end. */
  readonly clock: CaptureClock;
}

export interface DiagnoseRule {
  /**
   * Called for every TCP packet before the track is updated with it: `track` holds the state
   * before the packet. The packet object is reused: copy what you keep.
   */
  onPacket?(packet: PassPacket, track: ConnectionTrack): void;
  /** Like onPacket, for packets that carry TCP payload only (the engine skips the others). */
  onDataPacket?(packet: PassPacket, track: ConnectionTrack): void;
  /** `track` is the connection's (undefined for DNS over UDP or a connection without packets). */
  onExchange?(exchange: Exchange, track: ConnectionTrack | undefined): void;
  /** The connection's summary; its track is released right after every rule has seen it. */
  onConnection?(summary: ConnectionSummary, track: ConnectionTrack | undefined): void;
  onDns?(transaction: DnsTransaction): void;
  /** ICMP and ICMPv6 packets (they belong to no connection; the quote says whose they are). */
  onIcmp?(packet: PassPacket): void;
  /** The pass is over: report what needed the whole capture. */
  finish?(): void;
}

export type RuleFactory = (context: RuleContext) => DiagnoseRule;

export interface FindingText {
  title: string;
  explanation: string;
  advice: string;
}

/** The words and ranking of one finding kind (docs/findings.md defines each). */
export interface FindingKind {
  kind: string;
  /**
   * The highest severity a cost alone earns: "info" for what is not a fault (propagation, a
   * client that had nothing to send), "warning" otherwise. Failures are errors regardless.
   */
  costSeverityCap: Severity;
  /** 0..1: how sure the rule is when it fires. */
  confidence: number;
  /**
   * Its cost takes the network out by the vantage (a server's time is a wait minus a round trip):
   * its confidence is scaled by how sure the vantage is.
   */
  vantageDependent?: boolean;
  /**
   * Its cost is each request's own (a server's think time, one lookup, one handshake): a request
   * is slow when its own cost is perceptible, so the group is a warning only when one occurrence
   * is, and only those occurrences count as slow requests. Eleven requests that each waited 20 ms
   * for their server are eleven fast requests, not a 220 ms problem.
   */
  perRequest?: boolean;
  describe(group: OccurrenceGroup): FindingText;
}
