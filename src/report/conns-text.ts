/**
 * Renders the `conns` table for the terminal: one row per connection in the spirit of
 * `tshark -q -z conv,tcp`, with our columns (roles, state, history, iRTT, retransmissions, zero
 * windows, resets and who sent them, vantage), then the capture's flag totals. Computes nothing:
 * every figure comes from the ConnectionSummary.
 */

import type { ConnectionSummary, ConnectionsTotals, FlagCountKey } from "../tcp/types.ts";
import { pc } from "./colors.ts";
import { type Align, renderTextTable } from "./text-table.ts";
import { formatBytes, formatCount } from "./units.ts";

function endpoint(e: { address: string; port: number }): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function ms(x: number | null): string {
  if (x === null) return "-";
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(3)} ms`;
}

function stateText(state: string): string {
  if (state === "SF" || state === "S1") return pc.green(state);
  if (state === "REJ" || state.startsWith("RST") || state === "S0") return pc.red(state);
  return pc.yellow(state);
}

function resetsText(c: ConnectionSummary): string {
  if (c.flags.reset === 0) return "-";
  const by = new Set(c.resets.map((r) => r.sentBy));
  const kinds = [...new Set(c.resets.map((r) => r.kind))].join(",");
  return pc.red(`${c.flags.reset} by ${[...by].join("+") || "?"}${kinds ? ` (${kinds})` : ""}`);
}

function count(n: number, colour: (s: string) => string): string {
  return n === 0 ? "0" : colour(formatCount(n));
}

export function renderConnectionsText(
  connections: readonly ConnectionSummary[],
  totals: ConnectionsTotals,
  shownOf: number,
): string {
  const head = [
    "#",
    "client",
    "server",
    "state",
    "history",
    "duration",
    "bytes →",
    "bytes ←",
    "iRTT",
    "retrans",
    "zero win",
    "resets",
    "vantage",
  ];
  const aligns: Align[] = [
    "right",
    "left",
    "left",
    "left",
    "left",
    "right",
    "right",
    "right",
    "right",
    "right",
    "right",
    "left",
    "left",
  ];
  const rows: string[][] = [];
  for (const c of connections) {
    rows.push([
      String(c.stream),
      endpoint(c.client),
      endpoint(c.server),
      stateText(c.state),
      c.history,
      ms(c.durationMs),
      formatBytes(c.toServer.bytes),
      formatBytes(c.toClient.bytes),
      ms(c.handshake.irttMs),
      count(c.flags.retransmission, pc.yellow),
      count(c.flags.zeroWindow, pc.yellow),
      resetsText(c),
      c.vantage.kind === "unknown"
        ? pc.dim("unknown")
        : `${c.vantage.kind} ${pc.dim(`${Math.round(c.vantage.confidence * 100)}%`)}`,
    ]);
  }
  const lines = [renderTextTable(head, rows, aligns, pc.bold)];
  const shown =
    shownOf === connections.length
      ? `${formatCount(shownOf)} connections`
      : `${formatCount(connections.length)} of ${formatCount(shownOf)} connections shown`;
  lines.push(
    `${shown}; ${formatCount(totals.tcpPackets)} TCP packets of ${formatCount(totals.packets)}`,
  );
  const flagParts = (Object.keys(totals.flags) as FlagCountKey[])
    .filter((k) => totals.flags[k] > 0)
    .map((k) => `${k} ${formatCount(totals.flags[k])}`);
  lines.push(`${pc.dim("flags")}  ${flagParts.length > 0 ? flagParts.join(", ") : "none"}`);
  const anomalies = Object.entries(totals.anomalies);
  if (anomalies.length > 0) {
    lines.push(
      `${pc.dim("anomalies")}  ${pc.yellow(anomalies.map(([k, n]) => `${k} ${n}`).join(", "))}`,
    );
  }
  const limits = totals.limits;
  if (limits !== undefined) {
    lines.push(
      pc.yellow(
        `⚠ memory cap: ${formatCount(limits.evictedConnections)} connections summarised early past ${formatCount(limits.maxConnections)} open at once (--max-connections, --max-memory): their later packets are counted in the totals only`,
      ),
    );
  }
  lines.push(
    `${pc.dim("vantage")}  ${totals.vantage.kind} (${Math.round(totals.vantage.confidence * 100)}%)`,
  );
  lines.push(...legendLines(connections));
  return `${lines.join("\n")}\n`;
}

/** Zeek's conn_state codes (src/tcp/conn-state.ts, docs/tcp-analysis.md). */
const STATE_MEANINGS: Record<string, string> = {
  S0: "attempt, no reply",
  S1: "established, not closed",
  SF: "normal close",
  REJ: "rejected",
  S2: "client closed, no reply",
  S3: "server closed, no reply",
  RSTO: "reset by the client",
  RSTR: "reset by the server",
  RSTOS0: "client SYN then RST, no SYN/ACK",
  RSTRH: "server SYN/ACK then RST, no SYN",
  SH: "SYN then FIN, no answer",
  SHR: "SYN/ACK then FIN, no SYN",
  OTH: "midstream, no handshake seen",
};

/** Zeek's history letters (upper case: the client's). */
const HISTORY_MEANINGS: Record<string, string> = {
  S: "SYN",
  H: "SYN/ACK",
  A: "ACK",
  D: "data",
  F: "FIN",
  R: "RST",
  Q: "SYN with FIN or RST",
  I: "FIN with RST",
  T: "retransmission",
  W: "zero window",
  G: "gap",
  "^": "roles flipped",
};

/** A legend for the codes the rows show: their states, and their history letters. */
function legendLines(connections: readonly ConnectionSummary[]): string[] {
  const states = new Set<string>();
  const letters = new Set<string>();
  for (const c of connections) {
    states.add(c.state);
    for (const ch of c.history) letters.add(ch === "^" ? ch : ch.toUpperCase());
  }
  if (states.size === 0) return [];
  const stateParts = [...states]
    .filter((code) => STATE_MEANINGS[code] !== undefined)
    .map((code) => `${code} ${STATE_MEANINGS[code]}`);
  const letterParts = Object.keys(HISTORY_MEANINGS)
    .filter((letter) => letters.has(letter))
    .map((letter) => `${letter} ${HISTORY_MEANINGS[letter]}`);
  const out: string[] = [];
  if (stateParts.length > 0) out.push(`${pc.dim("state")}  ${stateParts.join(" · ")}`);
  if (letterParts.length > 0) {
    out.push(
      `${pc.dim("history")}  ${letterParts.join(" · ")} ${pc.dim("(upper case: the client's)")}`,
    );
  }
  return out;
}
