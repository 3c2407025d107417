/**
 * Test helper: runs TCP segments built in a test (not cut from any capture) through the analyzer,
 * as decoded PacketViews between a client 192.0.2.1:40000 and a server 198.51.100.2:80
 * (RFC 5737 documentation addresses), one millisecond apart.
 */
import type { PacketRecord } from "../../capture/types.ts";
import { createPacketView } from "../../decode/index.ts";
import { TcpAnalyzer } from "../analyzer.ts";
import type { TcpAnalyzerOptions } from "../types.ts";

export interface BuiltSegment {
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  win: number;
  len: number;
  /** Milliseconds since the first segment (default: the segment's index). */
  atMs?: number;
  ttl?: number;
  /** Client source port (default 40000). */
  clientPort?: number;
}

/** Runs built segments through one analyzer; returns each one's flag bits and the analyzer. */
export function runSegments(
  segs: readonly BuiltSegment[],
  options: TcpAnalyzerOptions = { seriesMaxPoints: 0 },
  analyzer: TcpAnalyzer = new TcpAnalyzer(options),
): number[] & { analyzer: TcpAnalyzer } {
  const view = createPacketView();
  const bytes = new Uint8Array(60);
  const client = [192, 0, 2, 1];
  const server = [198, 51, 100, 2];
  const out = [] as unknown as number[] & { analyzer: TcpAnalyzer };
  out.analyzer = analyzer;
  const record = { frame: 0, tsSec: 1_700_000_000, tsNsec: 0 } as PacketRecord;
  segs.forEach((s, i) => {
    const clientPort = s.clientPort ?? 40000;
    bytes.set(s.fromClient ? client : server, 26);
    bytes.set(s.fromClient ? server : client, 30);
    Object.assign(view, {
      bytes,
      ipVersion: 4,
      ipOffset: 14,
      ipSrcOffset: 26,
      ipDstOffset: 30,
      ipTtl: s.ttl ?? 64,
      ipId: i,
      ipTotalLenBytes: 40 + s.len,
      transport: "tcp",
      l4Offset: 34,
      srcPort: s.fromClient ? clientPort : 80,
      dstPort: s.fromClient ? 80 : clientPort,
      tcpSeq: s.seq >>> 0,
      tcpAck: s.ack >>> 0,
      tcpFlags: s.flags,
      tcpWindow: s.win,
      tcpHeaderLenBytes: 20,
      payloadOffset: 54,
      payloadLenBytes: s.len,
      payloadCapturedBytes: 0,
      originalLenBytes: 54 + s.len,
      truncated: true,
      stop: undefined,
    });
    const atMs = s.atMs ?? i;
    record.frame = i + 1;
    record.tsSec = 1_700_000_000 + Math.floor(atMs / 1000);
    record.tsNsec = Math.round((atMs % 1000) * 1e6);
    out.push(analyzer.onPacket(record, view));
  });
  return out;
}
