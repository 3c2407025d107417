/**
 * One packet as text (in the manner of `tcpdump -n`) or as a plain JSON object (NDJSON). Both read
 * the decoded view; neither computes anything the decoders did not already decide.
 */
import type { PacketRecord } from "../capture/types.ts";
import {
  etherTypeName,
  formatIp,
  formatMac,
  icmpTypeName,
  ipProtocolName,
  tcpFlagsString,
} from "../decode/index.ts";
import type { PacketView } from "../decode/types.ts";

/** Seconds of `record` after the reference time, as a decimal string with 6 or 9 digits. */
export function relativeTime(
  record: PacketRecord,
  refSec: number,
  refNsec: number,
  digits: number,
): string {
  let sec = record.tsSec - refSec;
  let nsec = record.tsNsec - refNsec;
  if (nsec < 0) {
    nsec += 1e9;
    sec -= 1;
  }
  if (sec < 0) {
    // Earlier than the first packet: show a negative offset.
    const total = -(sec * 1e9 + nsec);
    return `-${Math.floor(total / 1e9)}.${String(total % 1e9)
      .padStart(9, "0")
      .slice(0, digits)}`;
  }
  return `${sec}.${String(nsec).padStart(9, "0").slice(0, digits)}`;
}

function endpoint(v: PacketView, offset: number, port: number): string {
  const ip = formatIp(v.bytes, offset, v.ipVersion);
  if (port < 0) return ip;
  return v.ipVersion === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function tcpOptionsText(v: PacketView): string {
  const parts: string[] = [];
  if (v.tcpMss >= 0) parts.push(`mss ${v.tcpMss}`);
  if (v.tcpSackPermitted) parts.push("sackOK");
  if (v.tcpHasTimestamps) parts.push(`TS val ${v.tcpTsVal} ecr ${v.tcpTsEcr}`);
  if (v.tcpWindowScale >= 0) parts.push(`wscale ${v.tcpWindowScale}`);
  for (let i = 0; i < v.tcpSackCount; i++) {
    parts.push(`sack ${v.tcpSack[2 * i]}:${v.tcpSack[2 * i + 1]}`);
  }
  if (v.tcpFastOpen) parts.push("tfo");
  for (let i = 0; i < v.tcpOtherOptionCount; i++) parts.push(`opt-${v.tcpOtherOptions[i].kind}`);
  if (v.tcpOptionsMalformed) parts.push("malformed");
  return parts.length ? `, options [${parts.join(",")}]` : "";
}

/** The text after the frame number and time: "src > dst: PROTO details". */
export function describePacketText(v: PacketView): string {
  let text: string;
  if (v.ipVersion === 0) {
    if (v.link === "unsupported") text = `unsupported link type ${v.linkType}`;
    else if (v.macSrcOffset >= 0) {
      const proto = v.etherType >= 0 ? etherTypeName(v.etherType) : "802.3";
      text = `${formatMac(v.bytes, v.macSrcOffset)} > ${formatMac(v.bytes, v.macDstOffset)}: ${proto}`;
    } else text = v.etherType >= 0 ? etherTypeName(v.etherType) : v.link;
  } else {
    const src = endpoint(v, v.ipSrcOffset, v.srcPort);
    const dst = endpoint(v, v.ipDstOffset, v.dstPort);
    const head = `${src} > ${dst}: `;
    switch (v.transport) {
      case "tcp": {
        const ack = v.tcpFlags & 0x10 ? `, ack ${v.tcpAck}` : "";
        text = `${head}TCP [${tcpFlagsString(v.tcpFlags)}] seq ${v.tcpSeq}${ack}, win ${v.tcpWindow}${tcpOptionsText(v)}, length ${v.payloadLenBytes}`;
        break;
      }
      case "udp":
        text = `${head}UDP, length ${v.payloadLenBytes}`;
        break;
      case "icmp":
      case "icmpv6": {
        const version = v.transport === "icmp" ? 4 : 6;
        let quote = "";
        if (v.icmpQuote.present) {
          const q = v.icmpQuote;
          const qs = formatIp(v.bytes, q.srcOffset, q.ipVersion);
          const qd = formatIp(v.bytes, q.dstOffset, q.ipVersion);
          const ports = q.srcPort >= 0 ? ` ${q.srcPort} > ${q.dstPort}` : "";
          quote = ` (about ${ipProtocolName(q.protocol)} ${qs} > ${qd}${ports})`;
        }
        const mtu = v.icmpMtu >= 0 ? `, mtu ${v.icmpMtu}` : "";
        text = `${head}${version === 4 ? "ICMP" : "ICMP6"} ${icmpTypeName(version, v.icmpType, v.icmpCode)}${mtu}${quote}`;
        break;
      }
      default:
        text = v.ipIsFragment
          ? `${head}${ipProtocolName(v.ipProtocol)} fragment offset ${v.ipFragmentOffsetBytes}${v.ipMoreFragments ? "+" : ""}`
          : `${head}${ipProtocolName(v.ipProtocol)}`;
    }
  }
  if (v.tunnelCount > 0) text = `${v.tunnels.slice(0, v.tunnelCount).join("/")}: ${text}`;
  if (v.vlanCount > 0) text = `vlan ${v.vlanIds.slice(0, v.vlanCount).join(".")}: ${text}`;
  if (v.stop && v.stop.reason !== "unsupported") {
    text += ` [${v.stop.layer} ${v.stop.reason}: ${v.stop.detail}]`;
  } else if (v.truncated) text += " [truncated]";
  return text;
}

/** The NDJSON object for one packet (documented in docs/cli.md). */
export function describePacketJson(record: PacketRecord, v: PacketView, timeSec: string) {
  const out: Record<string, unknown> = {
    frame: record.frame,
    timeSec: Number(timeSec),
    ts: `${record.tsSec}.${String(record.tsNsec).padStart(9, "0")}`,
    interface: record.interfaceIndex,
    lenBytes: record.originalLenBytes,
    capturedBytes: record.capturedLenBytes,
    link: v.link,
  };
  if (v.macSrcOffset >= 0) {
    out.macSrc = formatMac(v.bytes, v.macSrcOffset);
    out.macDst = formatMac(v.bytes, v.macDstOffset);
  }
  if (v.etherType >= 0) out.etherType = v.etherType;
  if (v.vlanCount > 0) out.vlan = v.vlanIds.slice(0, v.vlanCount);
  if (v.tunnelCount > 0) out.tunnels = v.tunnels.slice(0, v.tunnelCount);
  if (v.ipVersion !== 0) {
    const ip: Record<string, unknown> = {
      version: v.ipVersion,
      src: formatIp(v.bytes, v.ipSrcOffset, v.ipVersion),
      dst: formatIp(v.bytes, v.ipDstOffset, v.ipVersion),
      ttl: v.ipTtl,
      protocol: v.ipProtocol,
    };
    if (v.ipId >= 0) ip.id = v.ipId;
    if (v.ipEcn) ip.ecn = v.ipEcn;
    if (v.ipDontFragment) ip.dontFragment = true;
    if (v.ipIsFragment) {
      ip.fragmentOffsetBytes = v.ipFragmentOffsetBytes;
      ip.moreFragments = v.ipMoreFragments;
    }
    out.ip = ip;
  }
  if (v.transport === "tcp") {
    const tcp: Record<string, unknown> = {
      srcPort: v.srcPort,
      dstPort: v.dstPort,
      seq: v.tcpSeq,
      ack: v.tcpAck,
      flags: tcpFlagsString(v.tcpFlags),
      window: v.tcpWindow,
      payloadBytes: v.payloadLenBytes,
    };
    if (v.tcpMss >= 0) tcp.mss = v.tcpMss;
    if (v.tcpWindowScale >= 0) tcp.windowScale = v.tcpWindowScale;
    if (v.tcpSackPermitted) tcp.sackPermitted = true;
    if (v.tcpSackCount > 0) tcp.sack = v.tcpSack.slice(0, 2 * v.tcpSackCount);
    if (v.tcpHasTimestamps) {
      tcp.tsVal = v.tcpTsVal;
      tcp.tsEcr = v.tcpTsEcr;
    }
    out.tcp = tcp;
  } else if (v.transport === "udp") {
    out.udp = { srcPort: v.srcPort, dstPort: v.dstPort, payloadBytes: v.payloadLenBytes };
  } else if (v.transport === "icmp" || v.transport === "icmpv6") {
    const version = v.transport === "icmp" ? 4 : 6;
    const icmp: Record<string, unknown> = {
      type: v.icmpType,
      code: v.icmpCode,
      name: icmpTypeName(version, v.icmpType, v.icmpCode),
    };
    if (v.icmpMtu >= 0) icmp.mtu = v.icmpMtu;
    if (v.icmpQuote.present) {
      const q = v.icmpQuote;
      icmp.quoted = {
        src: formatIp(v.bytes, q.srcOffset, q.ipVersion),
        dst: formatIp(v.bytes, q.dstOffset, q.ipVersion),
        protocol: q.protocol,
        srcPort: q.srcPort >= 0 ? q.srcPort : undefined,
        dstPort: q.dstPort >= 0 ? q.dstPort : undefined,
      };
    }
    out[v.transport] = icmp;
  }
  if (v.truncated) out.truncated = true;
  if (v.stop) out.stop = { ...v.stop };
  return out;
}
