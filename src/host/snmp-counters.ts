/**
 * The kernel's protocol counters: /proc/net/netstat and /proc/net/snmp (pairs of lines, a header
 * "Group: Name1 Name2 ..." then "Group: v1 v2 ..."), and /proc/net/snmp6 ("Name value" a line).
 * Keys are "Group.Name": "TcpExt.ListenOverflows", "Tcp.RetransSegs", "Udp.RcvbufErrors",
 * "Udp6.RcvbufErrors" (the names nstat prints without the dot).
 */

export type Counters = Record<string, number>;

export function parsePairedCounters(text: string, into: Counters = {}): Counters {
  const lines = text.split("\n").filter((l) => l.length > 0);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i].split(/\s+/);
    const values = lines[i + 1].split(/\s+/);
    const group = names[0].replace(/:$/, "");
    if (values[0] !== names[0]) continue; // not a header/values pair
    for (let j = 1; j < names.length && j < values.length; j++) {
      const n = Number(values[j]);
      if (Number.isFinite(n)) into[`${group}.${names[j]}`] = n;
    }
  }
  return into;
}

const SNMP6_GROUP = /^(Ip6|Icmp6|UdpLite6|Udp6)(.+)$/;

export function parseSnmp6(text: string, into: Counters = {}): Counters {
  for (const line of text.split("\n")) {
    const [name, value] = line.trim().split(/\s+/);
    if (!name || value === undefined) continue;
    const match = SNMP6_GROUP.exec(name);
    const n = Number(value);
    if (Number.isFinite(n)) into[match ? `${match[1]}.${match[2]}` : name] = n;
  }
  return into;
}

/** Current minus earlier, for every counter in both; gauges (CurrEstab) come out as differences too. */
export function counterDeltas(before: Counters, after: Counters): Counters {
  const deltas: Counters = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (old !== undefined) deltas[key] = value - old;
  }
  return deltas;
}
