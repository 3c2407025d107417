/**
 * Turns a finished Connection into its ConnectionSummary (the JSON record), deciding the roles,
 * conn_state, vantage and reset senders; and sums the capture-wide vantage.
 */
import { connState } from "./conn-state.ts";
import type { Connection } from "./connection.ts";
import type { DirectionState } from "./direction-state.ts";
import { WindowScale } from "./direction-state.ts";
import { EndpointState } from "./endpoint-state.ts";
import { historyForRoles } from "./history.ts";
import { decideRoles } from "./roles.ts";
import {
  type ConnectionSummary,
  type DirectionSummary,
  flagCountsOf,
  type RstEvidence,
  type Vantage,
  type VantageKind,
} from "./types.ts";
import { connectionVantage } from "./vantage.ts";

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function nsToMs(ns: number): number | null {
  return ns >= 0 ? round3(ns / 1e6) : null;
}

function directionSummary(d: DirectionState, originNs: number): DirectionSummary {
  return {
    isn: d.sawSyn || d.sawSynAck ? d.baseSeq : null,
    mss: d.mss >= 0 ? d.mss : null,
    windowScale: d.winScale === WindowScale.KNOWN ? d.winScaleShift : null,
    sackPermitted: d.sackPermitted,
    timestamps: d.timestamps,
    ecn: { negotiated: d.ecnSetup, ceMarks: d.ecnCeMarks, eceEchoes: d.ecnEchoes },
    segments: d.segments,
    bytes: d.bytes,
    payloadBytes: d.payloadBytes,
    retransmittedBytes: d.retransmittedBytes,
    retransmissions: d.retransmissions,
    zeroWindows: d.zeroWindows,
    rst: d.rstCount,
    fin: d.finCount,
    ttl: d.ttlFirst >= 0 ? { first: d.ttlFirst, min: d.ttlMin, max: d.ttlMax } : null,
    ackRtt: d.ackRtt.summary() ?? null,
    tsRtt: d.tsRtt.summary() ?? null,
    bytesInFlight: d.bytesInFlight.points(originNs),
    receiveWindow: d.receiveWindow.points(originNs),
  };
}

/** `baseSec`/`baseNsec`: the capture's first packet; connection times count from its whole second. */
export function buildSummary(
  conn: Connection,
  baseSec: number,
  baseNsec: number,
): ConnectionSummary {
  const roles = decideRoles(conn);
  const clientIsA = roles.clientIsA;
  const toServer = clientIsA ? conn.ab : conn.ba;
  const toClient = clientIsA ? conn.ba : conn.ab;
  const aEnd = { address: conn.address(true), port: conn.portA };
  const bEnd = { address: conn.address(false), port: conn.portB };
  const history = historyForRoles(conn.history, clientIsA);
  const origState = clientIsA ? conn.stateA : conn.stateB;
  const respState = clientIsA ? conn.stateB : conn.stateA;
  const state = connState(
    origState,
    respState,
    toServer.payloadBytes,
    toClient.payloadBytes,
    history,
  );

  const synToSynAckNs = conn.synToSynAckNs();
  const synAckToAckNs = conn.synAckToAckNs();
  const synTimes = conn.synTimesNs;
  const synIntervalsMs: number[] = [];
  for (let i = 1; i < synTimes.length; i++)
    synIntervalsMs.push(round3((synTimes[i] - synTimes[i - 1]) / 1e6));
  const completed = conn.handshakeAckTimeNs >= 0;
  const clientSyns = toServer.synCount;
  const serverSynAcks = toClient.synCount;

  const flags = flagCountsOf(conn.flagCounts);

  const resets: RstEvidence[] = (conn.resets ?? []).map((r) => {
    const out: RstEvidence = {
      frame: r.frame,
      atMs: round3((r.timeNs - conn.firstTimeNs) / 1e6),
      sentBy: r.fromA === clientIsA ? "client" : "server",
      kind: r.kind,
      evidence: r.evidence,
      ttl: r.ttl,
      ipId: r.ipId,
    };
    if (r.otherwise !== undefined) out.otherwise = r.otherwise;
    return out;
  });
  const totalRst = conn.ab.rstCount + conn.ba.rstCount;

  const originNs = conn.firstTimeNs;
  return {
    stream: conn.stream,
    ipVersion: conn.ipVersion === 6 ? 6 : 4,
    client: clientIsA ? aEnd : bEnd,
    server: clientIsA ? bEnd : aEnd,
    roles: { source: roles.source, confidence: roles.confidence },
    firstFrame: conn.firstFrame,
    lastFrame: conn.lastFrame,
    startMs: round3((conn.firstTimeNs - baseNsec) / 1e6),
    startEpochSec: baseSec + conn.firstTimeNs / 1e9,
    durationMs: round3((conn.lastTimeNs - conn.firstTimeNs) / 1e6),
    packets: conn.packets,
    state,
    history,
    handshake: {
      irttMs:
        synToSynAckNs >= 0 && synAckToAckNs >= 0
          ? round3((synToSynAckNs + synAckToAckNs) / 1e6)
          : null,
      synToSynAckMs: nsToMs(synToSynAckNs),
      synAckToAckMs: nsToMs(synAckToAckNs),
      synRetries: Math.max(0, clientSyns - 1),
      synIntervalsMs,
      synAckRetransmissions: Math.max(0, serverSynAcks - 1),
      completed,
      synUnanswered: clientSyns > 0 && serverSynAcks === 0 && respState === EndpointState.INACTIVE,
      noData: completed && toServer.payloadBytes === 0 && toClient.payloadBytes === 0,
    },
    toServer: directionSummary(toServer, originNs),
    toClient: directionSummary(toClient, originNs),
    flags,
    resets,
    resetsNotKept: Math.max(0, totalRst - resets.length),
    vantage: connectionVantage(conn, clientIsA),
    anomalies: conn.anomalies ? Object.fromEntries([...conn.anomalies].sort()) : {},
  };
}

/** The vantage buildSummary gives `conn`, without the rest of the summary. */
export function summaryVantage(conn: Connection): Vantage {
  return connectionVantage(conn, decideRoles(conn).clientIsA);
}

/**
 * The capture's vantage: the kind with the most confidence summed over connections; its
 * confidence is that kind's share.
 */
export function captureVantage(
  connectionCount: number,
  tally: ReadonlyMap<string, number>,
): Vantage {
  let total = 0;
  let best: VantageKind = "unknown";
  let bestW = 0;
  for (const [kind, w] of tally) {
    if (kind === "unknown") continue;
    total += w;
    if (w > bestW) {
      bestW = w;
      best = kind as VantageKind;
    }
  }
  if (total === 0)
    return { kind: "unknown", confidence: 0, evidence: ["no connection gave evidence"] };
  const evidence = [...tally]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, w]) => `${kind}: weight ${round3(w)}`);
  evidence.push(`${connectionCount} connections summarised`);
  return { kind: best, confidence: round3(bestW / total), evidence };
}
