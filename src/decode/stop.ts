import type { DecodeStop, PacketView } from "./types.ts";

/**
 * Records why decoding stopped, in the view's reused stop object. `detail` must be a constant
 * string: building one per packet would allocate. Numbers go in needed/available.
 */
export function stopDecoding(
  view: PacketView,
  layer: string,
  reason: DecodeStop["reason"],
  offsetBytes: number,
  neededBytes: number,
  availableBytes: number,
  detail: string,
): void {
  const stop = view.stopStorage;
  stop.layer = layer;
  stop.reason = reason;
  // Reported within the packet (view offsets index `bytes`, which may hold more than it).
  stop.offsetBytes = offsetBytes - view.packetOffset;
  stop.neededBytes = neededBytes;
  stop.availableBytes = Math.max(availableBytes, 0);
  stop.detail = detail;
  view.stop = stop;
}

/**
 * Stops because a header of `neededBytes` starting at `offsetBytes` does not fit. When the enclosing
 * layer's own length (`endBytes`, e.g. the IP total length) leaves no room for it, the packet
 * contradicts itself: "malformed". Otherwise the captured bytes simply ran out: "truncated".
 */
export function stopShortHeader(
  view: PacketView,
  layer: string,
  offsetBytes: number,
  neededBytes: number,
  endBytes: number,
  detail: string,
): void {
  if (offsetBytes + neededBytes > endBytes) {
    stopDecoding(
      view,
      layer,
      "malformed",
      offsetBytes,
      neededBytes,
      endBytes - offsetBytes,
      detail,
    );
  } else {
    const available = view.capturedEndOffset - offsetBytes;
    stopDecoding(view, layer, "truncated", offsetBytes, neededBytes, available, detail);
  }
}
