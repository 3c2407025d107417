/**
 * Which process owns each socket: every /proc/PID/fd/N that links to "socket:[INODE]". Inodes are
 * unique across network namespaces, and `ip netns exec` keeps the PID namespace, so this works for
 * --netns too. Processes we may not look into (not root) are skipped. Bounded by MAX_FDS_SCANNED.
 */
import { readdir, readFile, readlink } from "node:fs/promises";

export interface SocketOwner {
  pid: number;
  command: string;
}

/** A bound on work, not a real limit: a busy host has tens of thousands of fds. */
export const MAX_FDS_SCANNED = 2_000_000;

export async function socketOwners(
  wanted: Set<number> | null,
  procRoot = "/proc",
): Promise<Map<number, SocketOwner>> {
  const owners = new Map<number, SocketOwner>();
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return owners;
  }
  let scanned = 0;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    if (wanted !== null && wanted.size === owners.size) break;
    let fds: string[];
    try {
      fds = await readdir(`${procRoot}/${name}/fd`);
    } catch {
      continue;
    }
    let command: string | undefined;
    for (const fd of fds) {
      if (++scanned > MAX_FDS_SCANNED) return owners;
      let target: string;
      try {
        target = await readlink(`${procRoot}/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!target.startsWith("socket:[")) continue;
      const inode = Number(target.slice(8, -1));
      if (owners.has(inode) || (wanted !== null && !wanted.has(inode))) continue;
      if (command === undefined) {
        command = await readFile(`${procRoot}/${name}/comm`, "utf8")
          .then((c) => c.trim())
          .catch(() => "?");
      }
      owners.set(inode, { pid: Number(name), command });
    }
  }
  return owners;
}
