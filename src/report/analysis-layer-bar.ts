/**
 * The time-by-layer bar: one row of cells, each layer's share of the total drawn to scale in the
 * layer order of the model (client side, DNS, network, server side), so bars of different captures
 * compare at a glance. Computes only the layout.
 */
import { LAYERS, type Layer } from "../model/finding.ts";
import { formatMs, formatShare } from "./analysis-duration-text.ts";
import { layerCells, layerName } from "./analysis-layer-style.ts";
import { pc } from "./colors.ts";

/**
 * Cells for each layer by cumulative rounding: cell boundaries fall at round(cumulative ms / ms
 * per cell), so the cells add up to the bar's width exactly and a layer's cells are its share to
 * within one cell.
 */
export function layerBar(
  byLayer: Readonly<Partial<Record<Layer, number>>>,
  totalMs: number,
  widthChars: number,
  color = pc.isColorSupported,
): string {
  if (totalMs <= 0) return "";
  let bar = "";
  let cumulativeMs = 0;
  let usedCells = 0;
  for (const layer of LAYERS) {
    const ms = byLayer[layer] ?? 0;
    if (ms <= 0) continue;
    cumulativeMs += ms;
    const boundary = Math.min(widthChars, Math.round((cumulativeMs / totalMs) * widthChars));
    bar += layerCells(layer, boundary - usedCells, color);
    usedCells = boundary;
  }
  return bar;
}

/** The layers that were charged time, most first. */
export function chargedLayers(byLayer: Readonly<Partial<Record<Layer, number>>>): Layer[] {
  return LAYERS.filter((layer) => (byLayer[layer] ?? 0) > 0).sort(
    (a, b) => (byLayer[b] ?? 0) - (byLayer[a] ?? 0),
  );
}

/** "server-app 301 ms (73%) · client-app 110 ms (27%)": the bar's key, most time first. */
export function layerBreakdown(
  byLayer: Readonly<Partial<Record<Layer, number>>>,
  totalMs: number,
  color = pc.isColorSupported,
): string {
  return chargedLayers(byLayer)
    .map((layer) => {
      const ms = byLayer[layer] ?? 0;
      return `${layerCells(layer, 1, color)} ${layerName(layer, color)} ${formatMs(ms)} (${formatShare(ms, totalMs)})`;
    })
    .join("  ");
}
