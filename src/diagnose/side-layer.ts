/** The layers of one side of a connection (0 = client, 1 = server). */
import type { Layer } from "../model/finding.ts";

export function appLayer(side: number): Layer {
  return side === 0 ? "client-app" : "server-app";
}

export function osLayer(side: number): Layer {
  return side === 0 ? "client-os" : "server-os";
}

export function sideName(side: number): "client" | "server" {
  return side === 0 ? "client" : "server";
}
