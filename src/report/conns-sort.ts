/** The `conns --sort` keys: how connection rows can be ordered. */
import type { ConnectionSummary } from "../tcp/types.ts";

export class SortKeyError extends Error {
  readonly code = "WW_ERR_SORT";
}

const KEYS: Record<string, (c: ConnectionSummary) => number | string> = {
  stream: (c) => c.stream,
  start: (c) => c.startMs,
  duration: (c) => c.durationMs,
  packets: (c) => c.packets,
  bytes: (c) => c.toServer.bytes + c.toClient.bytes,
  "bytes-to-server": (c) => c.toServer.bytes,
  "bytes-to-client": (c) => c.toClient.bytes,
  irtt: (c) => c.handshake.irttMs ?? -1,
  retrans: (c) => c.flags.retransmission,
  resets: (c) => c.flags.reset,
  "zero-windows": (c) => c.flags.zeroWindow,
  state: (c) => c.state,
  client: (c) => `${c.client.address}:${c.client.port}`,
  server: (c) => `${c.server.address}:${c.server.port}`,
};

export const SORT_KEYS = Object.keys(KEYS);

/** Sorts in place by `key` (ties by stream); descending when `reverse`. */
export function sortConnections(
  list: ConnectionSummary[],
  key: string,
  reverse: boolean,
): ConnectionSummary[] {
  const get = KEYS[key];
  if (!get) {
    throw new SortKeyError(`unknown sort key "${key}"; one of: ${SORT_KEYS.join(", ")}`);
  }
  const dir = reverse ? -1 : 1;
  return list.sort((a, b) => {
    const x = get(a);
    const y = get(b);
    if (x < y) return -dir;
    if (x > y) return dir;
    return a.stream - b.stream;
  });
}
