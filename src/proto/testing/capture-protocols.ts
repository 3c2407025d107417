/**
 * Test harness: reads a capture with the project's reader and decoder, follows TCP connections by
 * 4-tuple, and drives StreamReassembler → ProtocolDispatcher for each, and DnsTracker for UDP
 * port 53. It is the wiring the exchange stage does with src/tcp's connection table; kept here so
 * the parsers are tested on real captures without depending on src/tcp.
 */
import { readCapture } from "../../capture/index.ts";
import { createPacketView, decodeRecord, formatIp } from "../../decode/index.ts";
import type { PacketView } from "../../decode/types.ts";
import { TcpFlag } from "../../decode/types.ts";
import { DnsTracker } from "../dns/dns-tracker.ts";
import type { ProtoMessage } from "../proto-message.ts";
import { ProtocolDispatcher } from "../protocol-dispatcher.ts";
import type { StreamProtocol } from "../protocol-sniff.ts";
import { StreamReassembler } from "../stream-reassembler.ts";
import type { ProtoAnomaly, ProtoSink, StreamConsumer, StreamDir } from "../types.ts";

export const ALL_PROTOCOLS: ReadonlySet<StreamProtocol> = new Set([
  "http1",
  "http2",
  "tls",
  "dns",
  "generic",
]);

export interface CaptureConnection {
  /** "client-address port > server-address port" */
  name: string;
  clientPort: number;
  serverPort: number;
  reassembler: StreamReassembler;
  /** The ProtocolDispatcher (parseCaptureProtocols) or whatever the factory made. */
  consumer: StreamConsumer;
}

export interface CaptureProtocols {
  messages: ProtoMessage[];
  anomalies: ProtoAnomaly[];
  connections: CaptureConnection[];
  packets: number;
}

/** What a connection's stream goes to, chosen when the connection is first seen. */
export type ConsumerFactory = (
  serverPort: number,
  client: string,
  server: string,
) => StreamConsumer;

/**
 * Reads `path`, follows TCP connections by 4-tuple and drives a StreamReassembler per connection
 * into the consumer `make` returns; UDP datagrams go to `onUdp`. Returns the packet count.
 */
export async function driveCaptureStreams(
  path: string,
  make: ConsumerFactory,
  onUdp: (
    src: string,
    dst: string,
    view: PacketView,
    payload: Uint8Array,
    frame: number,
    timeMs: number,
  ) => void,
  connections: CaptureConnection[],
): Promise<number> {
  const view = createPacketView();
  const table = new Map<string, { conn: CaptureConnection; clientKey: string }>();
  let t0 = Number.NaN;
  let packets = 0;
  let lastFrame = 0;
  let lastTimeMs = 0;
  await readCapture(path, (record) => {
    packets++;
    if (Number.isNaN(t0)) t0 = record.tsSec;
    const timeMs = (record.tsSec - t0) * 1000 + record.tsNsec / 1e6;
    lastFrame = record.frame;
    lastTimeMs = timeMs;
    decodeRecord(record, view);
    if (view.ipVersion === 0 || (view.ipIsFragment && view.ipFragmentOffsetBytes > 0)) return;
    const src = `${formatIp(view.bytes, view.ipSrcOffset, view.ipVersion)} ${view.srcPort}`;
    const dst = `${formatIp(view.bytes, view.ipDstOffset, view.ipVersion)} ${view.dstPort}`;
    const payload = view.bytes.subarray(
      view.payloadOffset,
      view.payloadOffset + view.payloadCapturedBytes,
    );
    if (view.transport === "udp") {
      onUdp(src, dst, view, payload, record.frame, timeMs);
      return;
    }
    if (view.transport !== "tcp" || view.srcPort < 0) return;
    const key = src < dst ? `${src}|${dst}` : `${dst}|${src}`;
    let entry = table.get(key);
    const flags = view.tcpFlags;
    if (entry === undefined) {
      // The client sent the SYN; else it is the side that answers a SYN/ACK; else the higher port.
      const syn = (flags & TcpFlag.SYN) !== 0;
      const ack = (flags & TcpFlag.ACK) !== 0;
      const senderIsClient = syn ? !ack : view.srcPort > view.dstPort;
      const client = senderIsClient ? src : dst;
      const server = senderIsClient ? dst : src;
      const serverPort = senderIsClient ? view.dstPort : view.srcPort;
      const consumer = make(serverPort, client, server);
      const conn: CaptureConnection = {
        name: `${client} > ${server}`,
        clientPort: senderIsClient ? view.srcPort : view.dstPort,
        serverPort,
        reassembler: new StreamReassembler(consumer),
        consumer,
      };
      entry = { conn, clientKey: client };
      table.set(key, entry);
      connections.push(conn);
    }
    const dir: StreamDir = src === entry.clientKey ? 0 : 1;
    const r = entry.conn.reassembler;
    if (flags & TcpFlag.SYN) r.onSyn(dir, view.tcpSeq);
    const wireLen = Math.max(0, view.payloadLenBytes);
    // Data on a SYN (TCP Fast Open) starts after the SYN's own sequence number.
    const dataSeq = flags & TcpFlag.SYN ? (view.tcpSeq + 1) >>> 0 : view.tcpSeq;
    if (wireLen > 0) r.onSegment(dir, dataSeq, payload, record.frame, timeMs, wireLen);
    if (flags & TcpFlag.ACK) r.onAck(dir, view.tcpAck, record.frame, timeMs);
    if (flags & TcpFlag.FIN) r.onFin(dir, (dataSeq + wireLen) >>> 0, record.frame, timeMs);
    if (flags & TcpFlag.RST) r.onRst(dir, record.frame, timeMs);
  });
  for (const c of connections) c.reassembler.close(lastFrame, lastTimeMs);
  return packets;
}

export async function parseCaptureProtocols(
  path: string,
  protocols: ReadonlySet<StreamProtocol> = ALL_PROTOCOLS,
): Promise<CaptureProtocols> {
  const messages: ProtoMessage[] = [];
  const anomalies: ProtoAnomaly[] = [];
  const sink: ProtoSink = {
    message: (m) => messages.push(m),
    anomaly: (a) => anomalies.push(a),
  };
  const dns = new DnsTracker(sink);
  const connections: CaptureConnection[] = [];
  const packets = await driveCaptureStreams(
    path,
    (serverPort, client, server) =>
      new ProtocolDispatcher({ sink, protocols, serverPort, dns, client, server }),
    (src, dst, view, payload, frame, timeMs) => {
      if ((view.srcPort === 53 || view.dstPort === 53) && protocols.has("dns")) {
        dns.onMessage("udp", src, dst, payload, frame, timeMs);
      }
    },
    connections,
  );
  dns.finish();
  return { messages, anomalies, connections, packets };
}
