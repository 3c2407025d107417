/**
 * A lab capture as a small table, read with the project's own readers and decoders: what a lab's
 * checks need (addresses, ports, TCP flags and numbers, payload length, time). Lab captures hold a
 * few hundred to a few thousand packets, so copying each into an object is fine here; the
 * analysis pipeline itself never does this.
 */
import { readCapture } from "../capture/index.ts";
import { createPacketView, decodeRecord } from "../decode/index.ts";

export interface LabPacket {
  /** 1-based, as Wireshark numbers frames. */
  frame: number;
  /** Since the first packet of the capture. */
  timeMs: number;
  transport: "tcp" | "udp" | "other";
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** TCP flag bits (decode's TcpFlag); 0 for UDP. */
  flags: number;
  seq: number;
  ack: number;
  /** The raw window field: scale it with the sender's handshake shift. */
  window: number;
  /** -1 when the segment has no window-scale option. */
  windowScale: number;
  /** -1 when the segment has no MSS option. */
  mss: number;
  /** Transport payload length on the wire (not what the snaplen kept). */
  payloadLenBytes: number;
  /** The payload bytes the snaplen kept (a copy). */
  payload: Uint8Array;
  /** Length of the packet on the wire. */
  wireLenBytes: number;
}

export async function readLabPackets(path: string): Promise<LabPacket[]> {
  const packets: LabPacket[] = [];
  const view = createPacketView();
  let firstNs: bigint | undefined;
  await readCapture(path, (record) => {
    decodeRecord(record, view);
    const tsNs = BigInt(record.tsSec) * 1_000_000_000n + BigInt(record.tsNsec);
    firstNs ??= tsNs;
    const transport =
      view.transport === "tcp" || view.transport === "udp" ? view.transport : "other";
    const payloadEnd = view.payloadOffset + view.payloadCapturedBytes;
    packets.push({
      frame: record.frame,
      timeMs: Number(tsNs - firstNs) / 1e6,
      transport,
      src: ipText(view.bytes, view.ipSrcOffset, view.ipVersion),
      dst: ipText(view.bytes, view.ipDstOffset, view.ipVersion),
      srcPort: view.srcPort,
      dstPort: view.dstPort,
      flags: transport === "tcp" ? view.tcpFlags : 0,
      seq: view.tcpSeq,
      ack: view.tcpAck,
      window: view.tcpWindow,
      windowScale: view.tcpWindowScale,
      mss: view.tcpMss,
      payloadLenBytes: transport === "other" ? 0 : view.payloadLenBytes,
      payload:
        transport === "other"
          ? new Uint8Array(0)
          : view.bytes.slice(view.payloadOffset, payloadEnd),
      wireLenBytes: record.originalLenBytes,
    });
  });
  return packets;
}

function ipText(bytes: Uint8Array, offset: number, version: number): string {
  if (offset < 0 || version === 0) return "";
  if (version === 4)
    return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((bytes[offset + i]! << 8) | bytes[offset + i + 1]!).toString(16));
  return groups.join(":");
}
