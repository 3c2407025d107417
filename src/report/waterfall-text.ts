/**
 * The slowest exchanges as a text waterfall: one row per exchange, its phases drawn to one common
 * scale (the longest exchange fills the bar) and each phase's cells coloured by the layers its
 * time was charged to, then a line naming the phases. Like a browser's network waterfall, except
 * that every row starts at its own request, so short exchanges far apart in the capture still
 * compare. Computes only the layout.
 */
import type { Exchange, Phase } from "../exchange/types.ts";
import { LAYERS, type Layer } from "../model/finding.ts";
import { printable } from "../model/printable-text.ts";
import { formatMs } from "./analysis-duration-text.ts";
import { layerCells, layerLegend, layerName } from "./analysis-layer-style.ts";
import { pc } from "./colors.ts";

export interface WaterfallOptions {
  /** Cells of the longest exchange's bar (default 40). */
  barChars?: number;
  /** Colours (default: when the terminal has them); off, each layer has its own glyph. */
  color?: boolean;
}

const DEFAULT_BAR_CHARS = 40;
const LABEL_CHARS = 30;
const SHORTER_THAN_A_CELL = "·";
const INDENT = "        ";
/** The phase lines under a row stay within a 100-column terminal. */
const SUMMARY_CHARS = 100 - INDENT.length;

export function waterfallLines(
  exchanges: readonly Exchange[],
  options: WaterfallOptions = {},
): string[] {
  if (exchanges.length === 0) return [];
  const color = options.color ?? pc.isColorSupported;
  const dim = color ? pc.dim : plain;
  const barChars = options.barChars ?? DEFAULT_BAR_CHARS;
  let longestMs = 0;
  for (const exchange of exchanges) longestMs = Math.max(longestMs, exchange.durationMs);
  const lines = [
    dim(
      `${"id".padStart(6)}  ${"request".padEnd(LABEL_CHARS)} ${"status".padStart(7)} ${"time".padStart(9)} ${"conn".padStart(5)}  0${formatMs(longestMs).padStart(barChars)}`,
    ),
  ];
  for (const exchange of exchanges) {
    const id = `#${exchange.id}`.padStart(6);
    const label = printable(exchangeLabel(exchange), LABEL_CHARS).padEnd(LABEL_CHARS);
    const status = exchangeStatus(exchange).padStart(7);
    const failed = exchange.outcome !== "complete";
    const conn = (exchange.connection < 0 ? "udp" : String(exchange.connection)).padStart(5);
    lines.push(
      `${id}  ${label} ${failed && color ? pc.red(status) : status} ${formatMs(exchange.durationMs).padStart(9)} ${conn}  ${phaseBar(exchange, longestMs, barChars, color)}`,
    );
    for (const line of phaseSummaryLines(exchange.phases, SUMMARY_CHARS, color)) {
      lines.push(`${INDENT}${line}`);
    }
  }
  lines.push(`${INDENT}${layerLegend(layersShown(exchanges), color)}`);
  return lines;
}

/**
 * "GET /api/report", "TLS example.com", "DNS example.com", or the server for other protocols: the
 * capture's own text, for the caller to make printable (or Markdown).
 */
export function exchangeLabel(exchange: Exchange): string {
  const { request } = exchange;
  if (request.method.length > 0) return `${request.method} ${request.target}`;
  if (exchange.protocol === "generic" || request.target.length === 0) return exchange.server;
  return `${exchange.protocol.toUpperCase()} ${request.target}`;
}

/** The HTTP status (or DNS rcode), or how the exchange ended when there was no response. */
export function exchangeStatus(exchange: Exchange): string {
  if (exchange.outcome !== "complete") return exchange.outcome;
  if (exchange.response === null) return "—";
  if (exchange.protocol === "dns") return `rcode ${exchange.response.status}`;
  return exchange.response.status === 0 ? "ok" : String(exchange.response.status);
}

/**
 * Cells by cumulative rounding over every phase's charges in phase order (and, inside a phase, in
 * the model's layer order), so the row's cells are the exchange's duration to scale.
 */
export function phaseBar(
  exchange: Exchange,
  longestMs: number,
  barChars: number,
  color = pc.isColorSupported,
): string {
  if (longestMs <= 0) return "";
  const msPerCell = longestMs / barChars;
  let bar = "";
  let cumulativeMs = 0;
  let usedCells = 0;
  for (const phase of exchange.phases) {
    for (const layer of LAYERS) {
      const ms = phase.charges[layer] ?? 0;
      if (ms <= 0) continue;
      cumulativeMs += ms;
      const boundary = Math.min(barChars, Math.round(cumulativeMs / msPerCell));
      bar += layerCells(layer, boundary - usedCells, color);
      usedCells = boundary;
    }
  }
  // Shorter than half a cell: a dot says the exchange is there, too short to draw.
  return usedCells === 0 ? SHORTER_THAN_A_CELL : bar;
}

/**
 * "connect 0.12 ms network · wait 300 ms server-app": the phases that took any time, each with the
 * layer charged most of it.
 */
export function phaseSummary(phases: readonly Phase[], color = pc.isColorSupported): string {
  return phaseSummaryLines(phases, Number.POSITIVE_INFINITY, color)[0] ?? "";
}

/** The phase summary broken into lines of at most `widthChars` visible characters. */
export function phaseSummaryLines(
  phases: readonly Phase[],
  widthChars: number,
  color = pc.isColorSupported,
): string[] {
  const lines: string[] = [];
  let line = "";
  let visibleChars = 0;
  for (const phase of phases) {
    if (phase.durationMs <= 0) continue;
    const head = `${phase.name} ${formatMs(phase.durationMs)} `;
    const partChars = head.length + phase.layer.length;
    const part = `${head}${layerName(phase.layer, color)}`;
    if (visibleChars > 0 && visibleChars + SEPARATOR.length + partChars > widthChars) {
      lines.push(line);
      line = "";
      visibleChars = 0;
    }
    line = visibleChars > 0 ? `${line}${SEPARATOR}${part}` : part;
    visibleChars += (visibleChars > 0 ? SEPARATOR.length : 0) + partChars;
  }
  if (visibleChars > 0) lines.push(line);
  return lines;
}

const SEPARATOR = " · ";

function layersShown(exchanges: readonly Exchange[]): Layer[] {
  const seen = new Set<Layer>();
  for (const exchange of exchanges) {
    for (const phase of exchange.phases) {
      for (const layer of LAYERS) if ((phase.charges[layer] ?? 0) > 0) seen.add(layer);
    }
  }
  return LAYERS.filter((layer) => seen.has(layer));
}

function plain(text: string): string {
  return text;
}
