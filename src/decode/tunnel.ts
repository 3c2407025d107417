import { MAX_TUNNEL_DEPTH } from "./packet-view.ts";
import { stopDecoding } from "./stop.ts";
import type { PacketView, TunnelKind } from "./types.ts";

/**
 * Appends an encapsulation to view.tunnels. Returns false (and stops the packet) once
 * MAX_TUNNEL_DEPTH encapsulations are already open: hostile input must not nest without end.
 */
export function enterTunnel(view: PacketView, kind: TunnelKind, offsetBytes: number): boolean {
  if (view.tunnelCount >= MAX_TUNNEL_DEPTH) {
    stopDecoding(
      view,
      kind,
      "unsupported",
      offsetBytes,
      0,
      view.bytes.length - offsetBytes,
      "encapsulations nested deeper than 8",
    );
    return false;
  }
  view.tunnels[view.tunnelCount++] = kind;
  return true;
}
