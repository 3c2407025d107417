/**
 * Listening sockets' backlogs from `ss -ltnHe`: for a LISTEN socket ss prints Recv-Q = the current
 * accept queue and Send-Q = the backlog the listener asked for (sk_max_ack_backlog, capped by
 * net.core.somaxconn), and `ino:` the socket's inode, by which they join /proc/net/tcp.
 */

export interface SsListener {
  acceptQueue: number;
  backlog: number;
  local: string;
  inode: number;
}

export function parseSsListeners(text: string): SsListener[] {
  const out: SsListener[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] !== "LISTEN") continue;
    const ino = f.find((w) => w.startsWith("ino:"));
    out.push({
      acceptQueue: Number(f[1]),
      backlog: Number(f[2]),
      local: f[3],
      inode: ino ? Number(ino.slice(4)) : 0,
    });
  }
  return out;
}
