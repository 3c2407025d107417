/**
 * The first field in which two decoded views differ, for tests that decode the same packets two
 * ways (the Ethernet/IPv4/TCP fast path against the layer loop; a reused view against a fresh
 * one). Arrays the view reuses are compared up to their counts; `bytes` by identity or content.
 */
import { createPacketView } from "../packet-view.ts";
import type { PacketView } from "../types.ts";

const COUNTED_ARRAYS = new Set(["vlanIds", "tunnels", "ipv6Ext", "tcpSack", "tcpOtherOptions"]);
const SCALAR_KEYS = (Object.keys(createPacketView()) as (keyof PacketView)[]).filter(
  (key) => key !== "stopStorage" && key !== "bytes" && !COUNTED_ARRAYS.has(key),
);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameStop(a: PacketView["stop"], b: PacketView["stop"]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.layer === b.layer &&
    a.reason === b.reason &&
    a.offsetBytes === b.offsetBytes &&
    a.neededBytes === b.neededBytes &&
    a.availableBytes === b.availableBytes &&
    a.detail === b.detail
  );
}

/** Undefined when `a` and `b` describe the packet alike, else the first differing field. */
export function viewDifference(a: PacketView, b: PacketView): string | undefined {
  if (!sameBytes(a.bytes, b.bytes)) return "bytes";
  for (const key of SCALAR_KEYS) {
    if (key === "stop") {
      if (!sameStop(a.stop, b.stop)) return "stop";
    } else if (key === "icmpQuote") {
      const qa = a.icmpQuote as unknown as Record<string, unknown>;
      const qb = b.icmpQuote as unknown as Record<string, unknown>;
      for (const k of Object.keys(qa)) if (qa[k] !== qb[k]) return `icmpQuote.${k}`;
    } else if (a[key] !== b[key]) {
      return key;
    }
  }
  for (let i = 0; i < a.vlanCount; i++) {
    if (a.vlanIds[i] !== b.vlanIds[i]) return `vlanIds[${i}]`;
  }
  for (let i = 0; i < a.tunnelCount; i++) {
    if (a.tunnels[i] !== b.tunnels[i]) return `tunnels[${i}]`;
  }
  for (let i = 0; i < a.ipv6ExtCount; i++) {
    if (a.ipv6Ext[i] !== b.ipv6Ext[i]) return `ipv6Ext[${i}]`;
  }
  for (let i = 0; i < 2 * a.tcpSackCount; i++) {
    if (a.tcpSack[i] !== b.tcpSack[i]) return `tcpSack[${i}]`;
  }
  for (let i = 0; i < a.tcpOtherOptionCount; i++) {
    const x = a.tcpOtherOptions[i];
    const y = b.tcpOtherOptions[i];
    if (x.kind !== y.kind || x.offset !== y.offset || x.lenBytes !== y.lenBytes) {
      return `tcpOtherOptions[${i}]`;
    }
  }
  return undefined;
}
