/**
 * Where a lab's client and server run. Two shapes:
 * - "loopback": both on the loopback of one namespace of the lab's own (MTU 1500, offloads off),
 *   or, when not root, on the host's loopback (MTU 65536, real enough for labs whose segments
 *   are small);
 * - "routed": client and server namespaces joined by veth pairs through a router namespace, for
 *   labs that need a real path: loss (iptables statistic drops in the router's FORWARD chain),
 *   a bottleneck (tbf on the server's veth), a firewall, a round-trip time (a delay line).
 * Addresses come from the documentation ranges of RFC 5737 and exist only inside the lab's own
 * namespaces.
 */
import { startDelayLine } from "./delay-line.ts";
import { createNamespace, makeLinkRealistic, runIn, setSysctl } from "./netns.ts";
import type { Teardown } from "./teardown.ts";

export interface LabHost {
  /** undefined: the host's own network namespace. */
  netns: string | undefined;
  address: string;
  /** Where this host's packets can be captured. */
  device: string;
}

export interface Topology {
  kind: "loopback" | "routed";
  client: LabHost;
  server: LabHost;
  /** The router namespace of a routed topology. */
  router: string | undefined;
  /** The router's veth towards the client and towards the server. */
  routerClientDevice: string;
  routerServerDevice: string;
}

export const CLIENT_ADDRESS = "192.0.2.1";
export const SERVER_ADDRESS = "198.51.100.1";
const ROUTER_CLIENT_SIDE = "192.0.2.254";
const ROUTER_SERVER_SIDE = "198.51.100.254";
/** Policy-routing table that sends forwarded packets into the delay line. */
const DELAY_TABLE = "100";

export function loopbackTopology(teardown: Teardown, isolate: boolean): Topology {
  let netns: string | undefined;
  if (isolate) {
    netns = createNamespace(teardown, "lo");
    makeLinkRealistic(netns, "lo");
  }
  const host: LabHost = { netns, address: "127.0.0.1", device: "lo" };
  return {
    kind: "loopback",
    client: host,
    server: host,
    router: undefined,
    routerClientDevice: "",
    routerServerDevice: "",
  };
}

export interface RoutedOptions {
  /** One-way delay added by the router to every forwarded packet (RTT = 2×). 0: none. */
  oneWayDelayMs: number;
  /** The delay line stops by itself after this long. */
  maxMs: number;
}

export async function routedTopology(
  teardown: Teardown,
  options: RoutedOptions,
): Promise<Topology> {
  const client = createNamespace(teardown, "c");
  const router = createNamespace(teardown, "r");
  const server = createNamespace(teardown, "s");
  runIn(undefined, "ip", [
    "link",
    "add",
    "eth0",
    "netns",
    client,
    "type",
    "veth",
    "peer",
    "name",
    "rc",
    "netns",
    router,
  ]);
  runIn(undefined, "ip", [
    "link",
    "add",
    "eth0",
    "netns",
    server,
    "type",
    "veth",
    "peer",
    "name",
    "rs",
    "netns",
    router,
  ]);
  for (const [ns, device, cidr] of [
    [client, "eth0", `${CLIENT_ADDRESS}/24`],
    [router, "rc", `${ROUTER_CLIENT_SIDE}/24`],
    [router, "rs", `${ROUTER_SERVER_SIDE}/24`],
    [server, "eth0", `${SERVER_ADDRESS}/24`],
  ] as const) {
    runIn(ns, "ip", ["addr", "add", cidr, "dev", device]);
    makeLinkRealistic(ns, device);
  }
  runIn(client, "ip", ["route", "add", "default", "via", ROUTER_CLIENT_SIDE]);
  runIn(server, "ip", ["route", "add", "default", "via", ROUTER_SERVER_SIDE]);
  setSysctl(router, "net.ipv4.ip_forward", "1");
  if (options.oneWayDelayMs > 0) {
    // Packets re-enter the router from the delay line on its TUN device, so the reverse-path
    // filter would see them arrive on the "wrong" interface.
    for (const conf of ["all", "default", "rc", "rs"]) {
      setSysctl(router, `net.ipv4.conf.${conf}.rp_filter`, "0");
    }
    await startDelayLine(teardown, router, "dl0", options.oneWayDelayMs, options.maxMs);
    setSysctl(router, "net.ipv4.conf.dl0.rp_filter", "0");
    runIn(router, "ip", ["route", "add", "default", "dev", "dl0", "table", DELAY_TABLE]);
    runIn(router, "ip", ["rule", "add", "iif", "rc", "lookup", DELAY_TABLE, "pref", "100"]);
    runIn(router, "ip", ["rule", "add", "iif", "rs", "lookup", DELAY_TABLE, "pref", "101"]);
  }
  return {
    kind: "routed",
    client: { netns: client, address: CLIENT_ADDRESS, device: "eth0" },
    server: { netns: server, address: SERVER_ADDRESS, device: "eth0" },
    router,
    routerClientDevice: "rc",
    routerServerDevice: "rs",
  };
}
