/**
 * What must hold for every decoded packet, whatever its bytes: every offset the view reports lies
 * inside the captured bytes (an address with its full length), counts stay within their arrays,
 * and no field is NaN. Returns the violations, empty when there are none.
 */
import {
  MAX_IPV6_EXTENSIONS,
  MAX_SACK_BLOCKS,
  MAX_TCP_OTHER_OPTIONS,
  MAX_TUNNEL_DEPTH,
  MAX_VLAN_TAGS,
} from "../packet-view.ts";
import type { PacketView } from "../types.ts";

export function viewViolations(v: PacketView): string[] {
  const problems: string[] = [];
  const len = v.bytes.length;
  const span = (name: string, offset: number, size: number) => {
    if (offset === -1) return;
    if (!Number.isInteger(offset) || offset < 0 || offset + size > len) {
      problems.push(`${name}=${offset} (+${size}) outside ${len} bytes`);
    }
  };
  span("macSrcOffset", v.macSrcOffset, 6);
  span("macDstOffset", v.macDstOffset, 6);
  const addrLen = v.ipVersion === 6 ? 16 : 4;
  span("ipOffset", v.ipOffset, 0);
  span("ipSrcOffset", v.ipSrcOffset, addrLen);
  span("ipDstOffset", v.ipDstOffset, addrLen);
  if (v.ipVersion !== 0 && (v.ipSrcOffset < 0 || v.ipDstOffset < 0)) {
    problems.push(`ipVersion ${v.ipVersion} without addresses`);
  }
  span("l4Offset", v.l4Offset, 0);
  span("payloadOffset", v.payloadOffset, v.payloadCapturedBytes);
  if (v.payloadOffset === -1 && v.payloadCapturedBytes !== 0) {
    problems.push(`payloadCapturedBytes ${v.payloadCapturedBytes} without payloadOffset`);
  }
  if (v.payloadCapturedBytes < 0 || v.payloadLenBytes < 0) problems.push("negative payload length");
  const q = v.icmpQuote;
  if (q.present) {
    const qLen = q.ipVersion === 6 ? 16 : 4;
    span("icmpQuote.srcOffset", q.srcOffset, qLen);
    span("icmpQuote.dstOffset", q.dstOffset, qLen);
  }
  for (let i = 0; i < v.tcpOtherOptionCount; i++) {
    const o = v.tcpOtherOptions[i];
    span(`tcpOtherOptions[${i}]`, o.offset, o.lenBytes);
  }
  if (v.stop) span("stop.offsetBytes", v.stop.offsetBytes, 0);
  if (v.vlanCount > MAX_VLAN_TAGS) problems.push(`vlanCount ${v.vlanCount}`);
  if (v.tunnelCount > MAX_TUNNEL_DEPTH) problems.push(`tunnelCount ${v.tunnelCount}`);
  if (v.ipv6ExtCount > MAX_IPV6_EXTENSIONS) problems.push(`ipv6ExtCount ${v.ipv6ExtCount}`);
  if (v.tcpSackCount > MAX_SACK_BLOCKS) problems.push(`tcpSackCount ${v.tcpSackCount}`);
  if (v.tcpOtherOptionCount > MAX_TCP_OTHER_OPTIONS) {
    problems.push(`tcpOtherOptionCount ${v.tcpOtherOptionCount}`);
  }
  for (const [key, value] of Object.entries(v)) {
    if (typeof value === "number" && !Number.isFinite(value)) problems.push(`${key} is ${value}`);
  }
  for (const [key, value] of Object.entries(q)) {
    if (typeof value === "number" && !Number.isFinite(value))
      problems.push(`icmpQuote.${key} is ${value}`);
  }
  for (let i = 0; i < 2 * v.tcpSackCount; i++) {
    if (!(v.tcpSack[i] >= 0 && v.tcpSack[i] <= 0xffffffff)) problems.push(`tcpSack[${i}]`);
  }
  if (v.transport === "tcp" && !(v.tcpSeq >= 0 && v.tcpSeq <= 0xffffffff)) problems.push("tcpSeq");
  return problems;
}
