/**
 * How each layer looks in the reports: a colour on a terminal, and a glyph of its own so a bar
 * still reads without colour (NO_COLOR, a pipe, a Markdown ticket). Darker glyphs sit on the
 * server side, the light ones on the client side, and the network is a line between them.
 */
import type { Layer } from "../model/finding.ts";
import { pc } from "./colors.ts";

export interface LayerStyle {
  paint: (text: string) => string;
  /** The bar glyph when colours are off. */
  glyph: string;
}

export const LAYER_STYLE: Record<Layer, LayerStyle> = {
  "client-app": { paint: pc.magenta, glyph: "░" },
  "client-os": { paint: pc.blue, glyph: "▒" },
  dns: { paint: pc.cyan, glyph: "~" },
  network: { paint: pc.yellow, glyph: "═" },
  "server-os": { paint: pc.green, glyph: "▓" },
  "server-app": { paint: pc.red, glyph: "█" },
};

/** On a colour terminal every layer is a solid block in its colour; otherwise its own glyph. */
const SOLID_BLOCK = "█";

/**
 * `count` cells of a layer's bar: solid and coloured when `color` is on, the layer's glyph
 * otherwise (Markdown passes false whatever the terminal can do).
 */
export function layerCells(layer: Layer, count: number, color = pc.isColorSupported): string {
  if (count <= 0) return "";
  const style = LAYER_STYLE[layer];
  return color ? style.paint(SOLID_BLOCK.repeat(count)) : style.glyph.repeat(count);
}

/** The layer's name in its colour. */
export function layerName(layer: Layer, color = pc.isColorSupported): string {
  return color ? LAYER_STYLE[layer].paint(layer) : layer;
}

/** "█ server-app  ═ network": the key to the bars, for the layers they show. */
export function layerLegend(layers: readonly Layer[], color = pc.isColorSupported): string {
  return layers.map((layer) => `${layerCells(layer, 1, color)} ${layer}`).join("  ");
}
