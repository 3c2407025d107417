/**
 * Network namespaces for the labs, and commands run inside them. Every namespace a lab makes is
 * named `ww<pid>-<n><label>` (n counts this process's namespaces, so labs run at the same time
 * in one process never collide) and deleted by its Teardown, after the processes still inside it
 * are killed; iptables rules and tc qdiscs live inside the namespaces and go with them, so a lab never
 * touches the host's own network configuration.
 */
import { execFileSync } from "node:child_process";
import type { Teardown } from "./teardown.ts";

/** The MTU of a real Ethernet path; loopback's own 65536 gives segments no real network carries. */
export const ETHERNET_MTU_BYTES = 1500;

/** Runs a command and returns its stdout; throws with its stderr when it fails. */
export function runCommand(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    const stderr = typeof err.stderr === "string" ? err.stderr.trim() : "";
    throw new Error(`${command} ${args.join(" ")}: ${stderr || err.message}`);
  }
}

/** The command line that runs `command` inside `netns` (or here when netns is undefined). */
export function inNetns(
  netns: string | undefined,
  command: string,
  args: readonly string[],
): [string, string[]] {
  if (netns === undefined) return [command, [...args]];
  return ["ip", ["netns", "exec", netns, command, ...args]];
}

export function runIn(netns: string | undefined, command: string, args: readonly string[]): string {
  const [cmd, full] = inNetns(netns, command, args);
  return runCommand(cmd, full);
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * Creates a namespace with its loopback up and registers its deletion. `label` is short
 * (namespace names show in `ip netns list` while a lab runs).
 */
let namespacesMade = 0;

export function createNamespace(teardown: Teardown, label: string): string {
  namespacesMade++;
  const name = `ww${process.pid}-${namespacesMade}${label}`;
  runCommand("ip", ["netns", "add", name]);
  teardown.add(`delete namespace ${name}`, () => deleteNamespace(name));
  runIn(name, "ip", ["link", "set", "lo", "up"]);
  return name;
}

/** `ww<pid>-<n><label>`: what createNamespace names, with the pid of the process that made it. */
const LAB_NAMESPACE = /^ww(\d+)-\d+[a-z]+$/;

/**
 * Deletes lab namespaces left by a lab process that no longer exists (one killed with SIGKILL,
 * which no cleanup can catch). Namespaces of running processes, and any other names, are kept.
 */
export function removeStaleNamespaces(): string[] {
  const removed: string[] = [];
  for (const line of runCommand("ip", ["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const owner = LAB_NAMESPACE.exec(name);
    if (owner === null || processExists(Number(owner[1]))) continue;
    try {
      deleteNamespace(name);
      removed.push(name);
    } catch {
      // another process is removing it
    }
  }
  return removed;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function deleteNamespace(name: string): void {
  // A namespace lives on while a process is inside it: end those first (ours, by pid).
  let pids = "";
  try {
    pids = runCommand("ip", ["netns", "pids", name]);
  } catch {
    // the namespace is already gone
  }
  for (const pid of pids.split(/\s+/)) {
    if (pid === "") continue;
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already exited
    }
  }
  runCommand("ip", ["netns", "del", name]);
}

/**
 * Sets a link to the Ethernet MTU with segmentation and receive offloads off, so that every
 * segment in the capture is one the wire would carry (without this, TSO/GSO hand tcpdump 64 KiB
 * "segments" and GRO merges received ones), and brings it up.
 */
export function makeLinkRealistic(netns: string | undefined, device: string): void {
  runIn(netns, "ip", ["link", "set", "dev", device, "mtu", String(ETHERNET_MTU_BYTES)]);
  runIn(netns, "ethtool", ["-K", device, "tso", "off", "gso", "off", "gro", "off"]);
  runIn(netns, "ip", ["link", "set", "dev", device, "up"]);
}

export function setSysctl(netns: string, key: string, value: string): void {
  runIn(netns, "sysctl", ["-q", "-w", `${key}=${value}`]);
}

/**
 * Caps every TCP socket's receive buffer in `netns` at `maxBytes` (net.ipv4.tcp_rmem: min,
 * default, max; per namespace), so that autotuning cannot grow it past what a lab needs to fill.
 */
export function capReceiveBuffer(netns: string, maxBytes: number): void {
  setSysctl(netns, "net.ipv4.tcp_rmem", `4096 ${maxBytes} ${maxBytes}`);
}
