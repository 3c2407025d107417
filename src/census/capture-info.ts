/**
 * `wirewhy info`: capinfos' figures (format, interfaces, packets, bytes, first/last time, rates)
 * plus a census of the protocols every packet holds. Every packet is decoded, so the census also
 * proves the decoders walk the whole file. Counting goes into a fixed array indexed by protocol, not
 * a string-keyed map, to keep the per-packet cost at a few array writes.
 */
import { readCapture } from "../capture/index.ts";
import { linkTypeName } from "../capture/linktypes.ts";
import type { CaptureMeta, PacketRecord } from "../capture/types.ts";
import { createPacketView, decodeRecord } from "../decode/index.ts";
import type { PacketView } from "../decode/types.ts";
import type { CaptureInfo, InterfaceInfo, TimestampInfo } from "./types.ts";

/** The layers counted, in the order `info` prints them. */
export const CENSUS_PROTOCOLS = [
  "ethernet",
  "vlan",
  "qinq",
  "linux-sll",
  "linux-sll2",
  "bsd-loopback",
  "raw-ip",
  "ppp",
  "arp",
  "other-link-payload",
  "vxlan",
  "gre",
  "ip-in-ip",
  "ipv4",
  "ipv6",
  "ip-fragment",
  "tcp",
  "udp",
  "icmp",
  "icmpv6",
  "other-ip-protocol",
] as const;

type CensusProtocol = (typeof CENSUS_PROTOCOLS)[number];
const P = Object.fromEntries(CENSUS_PROTOCOLS.map((name, i) => [name, i])) as Record<
  CensusProtocol,
  number
>;

const LINK_PROTOCOL = {
  ethernet: P.ethernet,
  sll: P["linux-sll"],
  sll2: P["linux-sll2"],
  null: P["bsd-loopback"],
  raw: P["raw-ip"],
  ppp: P.ppp,
} as const;

const ETHERTYPE_ARP = 0x0806; // RFC 826

export interface CaptureInfoOptions {
  /** Stop after this many packets (like `capinfos` on a prefix). */
  maxPackets?: number;
}

/** Reads and decodes every packet of `source` (a path, or "-" for standard input). */
export async function captureInfo(
  source: string,
  options: CaptureInfoOptions = {},
): Promise<CaptureInfo> {
  const census = new Census();
  const meta = await readCapture(source, (record) => census.add(record), {
    maxPackets: options.maxPackets,
  });
  return census.finish(meta, options.maxPackets);
}

/** Accumulates the census one packet at a time; usable on any packet source. */
export class Census {
  private readonly view: PacketView = createPacketView();
  /** The decoded view of the packet last added (valid until the next `add`). */
  get lastView(): PacketView {
    return this.view;
  }
  private readonly protocolCounts = new Float64Array(CENSUS_PROTOCOLS.length);
  private readonly perInterface: number[] = [];
  private readonly unsupported = new Map<number, number>();
  private readonly stops = new Map<string, number>();
  private packets = 0;
  private capturedBytes = 0;
  private wireBytes = 0;
  private truncated = 0;
  private outOfOrder = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private lastSec = 0;
  private lastNsec = 0;
  private timed = 0;
  private maxSec = -Infinity;
  private maxNsec = 0;

  add(record: PacketRecord): void {
    this.packets++;
    this.capturedBytes += record.capturedLenBytes;
    this.wireBytes += record.originalLenBytes;
    this.perInterface[record.interfaceIndex] = (this.perInterface[record.interfaceIndex] ?? 0) + 1;
    // Simple Packet Blocks carry no timestamp: they take no part in first, last or ordering.
    if (record.hasTimestamp) this.addTime(record.tsSec, record.tsNsec);

    const v = decodeRecord(record, this.view);
    if (v.truncated) this.truncated++;
    this.count(v, record.linkType);
  }

  private count(v: PacketView, linkType: number): void {
    const c = this.protocolCounts;
    if (v.link === "unsupported") {
      this.unsupported.set(linkType, (this.unsupported.get(linkType) ?? 0) + 1);
      return;
    }
    c[LINK_PROTOCOL[v.link]]++;
    if (v.vlanCount > 0) c[P.vlan]++;
    if (v.vlanCount > 1) c[P.qinq]++;
    for (let i = 0; i < v.tunnelCount; i++) {
      const t = v.tunnels[i];
      c[t === "vxlan" ? P.vxlan : t === "gre" ? P.gre : P["ip-in-ip"]]++;
    }
    if (v.ipVersion === 4) c[P.ipv4]++;
    else if (v.ipVersion === 6) c[P.ipv6]++;
    else if (v.etherType === ETHERTYPE_ARP) c[P.arp]++;
    else if (v.stop === undefined || v.stop.reason === "unsupported") c[P["other-link-payload"]]++;
    if (v.ipIsFragment) c[P["ip-fragment"]]++;
    switch (v.transport) {
      case "tcp":
        c[P.tcp]++;
        break;
      case "udp":
        c[P.udp]++;
        break;
      case "icmp":
        c[P.icmp]++;
        break;
      case "icmpv6":
        c[P.icmpv6]++;
        break;
      case "other":
        c[P["other-ip-protocol"]]++;
        break;
    }
    if (v.stop !== undefined && v.stop.reason !== "unsupported") {
      const key = `${v.stop.layer}: ${v.stop.reason}`;
      this.stops.set(key, (this.stops.get(key) ?? 0) + 1);
    }
  }

  private addTime(sec: number, nsec: number): void {
    if (this.timed++ === 0) {
      this.firstSec = sec;
      this.firstNsec = nsec;
    }
    if (sec < this.maxSec || (sec === this.maxSec && nsec < this.maxNsec)) {
      this.outOfOrder++;
    } else {
      this.maxSec = sec;
      this.maxNsec = nsec;
    }
    this.lastSec = sec;
    this.lastNsec = nsec;
  }

  /** `maxPackets`: the limit the caller read with, so reaching it is not reported as damage. */
  finish(meta: CaptureMeta, maxPackets?: number): CaptureInfo {
    const durationSec =
      this.timed === 0 ? 0 : this.lastSec - this.firstSec + (this.lastNsec - this.firstNsec) / 1e9;
    const perSec = (n: number) => (durationSec > 0 ? n / durationSec : 0);
    const digits = timestampDigits(meta);
    const protocols: Record<string, number> = {};
    CENSUS_PROTOCOLS.forEach((name, i) => {
      if (this.protocolCounts[i] > 0) protocols[name] = this.protocolCounts[i];
    });
    const interfaces: InterfaceInfo[] = meta.interfaces.map((iface) => ({
      index: iface.index,
      section: iface.sectionIndex,
      linkType: iface.linkType,
      linkTypeName: iface.linkTypeName,
      snapLenBytes: iface.snapLenBytes,
      name: iface.name,
      description: iface.description,
      tsResolution: resolutionText(iface.tsUnitsPerSec),
      tsOffsetSec: iface.tsOffsetSec,
      packets: this.perInterface[iface.index] ?? 0,
      statistics: iface.statistics && {
        received: iface.statistics.received,
        dropped: iface.statistics.dropped,
        droppedByOs: iface.statistics.droppedByOs,
        delivered: iface.statistics.delivered,
      },
    }));
    const unsupportedByLinkType: Record<string, number> = {};
    let unsupportedPackets = 0;
    for (const [linkType, n] of this.unsupported) {
      unsupportedByLinkType[linkTypeName(linkType)] = n;
      unsupportedPackets += n;
    }
    const comments = [
      ...meta.sections.flatMap((s) => s.comments),
      ...meta.interfaces.flatMap((i) => i.comments),
    ];
    return {
      source: meta.source,
      format: meta.format,
      compression: meta.compression,
      fileBytes: meta.fileBytes,
      sections: meta.sections.length,
      interfaces,
      packets: this.packets,
      capturedBytes: this.capturedBytes,
      wireBytes: this.wireBytes,
      first: this.timed ? timestamp(this.firstSec, this.firstNsec, digits) : undefined,
      last: this.timed ? timestamp(this.lastSec, this.lastNsec, digits) : undefined,
      durationSec,
      bytesPerSec: perSec(this.wireBytes),
      bitsPerSec: perSec(this.wireBytes * 8),
      packetsPerSec: perSec(this.packets),
      averagePacketBytes: this.packets ? this.wireBytes / this.packets : 0,
      truncatedPackets: this.truncated,
      unsupportedPackets,
      unsupportedByLinkType,
      decodeStops: Object.fromEntries(this.stops),
      outOfOrderTimestamps: this.outOfOrder,
      protocols,
      nameRecords: meta.names.length,
      decryptionSecrets: meta.secrets.map((s) => ({ type: s.type, bytes: s.text.length })),
      comments,
      warnings: meta.warnings,
      partial: meta.stoppedEarly && !(maxPackets !== undefined && this.packets >= maxPackets),
    };
  }
}

/** Decimal digits of the finest timestamp resolution among the interfaces (6 for µs, 9 for ns). */
function timestampDigits(meta: CaptureMeta): number {
  let digits = 0;
  for (const iface of meta.interfaces) {
    digits = Math.max(digits, Math.min(9, Math.ceil(Math.log10(iface.tsUnitsPerSec))));
  }
  return digits || 6;
}

/** Seconds a JavaScript Date can hold either side of 1970 (ECMA-262: ±8.64e15 ms). */
const DATE_LIMIT_SEC = 8.64e12;

function timestamp(sec: number, nsec: number, digits: number): TimestampInfo {
  const fraction = String(nsec).padStart(9, "0").slice(0, digits);
  if (!Number.isFinite(sec) || Math.abs(sec) > DATE_LIMIT_SEC) {
    // A damaged or odd-resolution pcapng timestamp: keep the number, skip the calendar.
    return { iso: `${sec}.${fraction} s since 1970 (beyond the calendar)`, sec, nsec };
  }
  const base = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  return { iso: `${base}.${fraction}Z`, sec, nsec };
}

function resolutionText(unitsPerSec: number): string {
  const log10 = Math.log10(unitsPerSec);
  if (Number.isInteger(log10)) return `1e-${log10} s`;
  const log2 = Math.log2(unitsPerSec);
  return Number.isInteger(log2) ? `2^-${log2} s` : `1/${unitsPerSec} s`;
}
