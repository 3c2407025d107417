/**
 * Where parsers hand their packets: the reused PacketRecord, the CaptureMeta being filled, the
 * caller's callback and the packet limit. Shared by the pcap and pcapng parsers so both stop,
 * number frames and report warnings the same way.
 */
import { CaptureWarnings } from "./capture-warnings.ts";
import { createPacketRecord } from "./packet-record.ts";
import type { CaptureMeta, PacketCallback, PacketRecord } from "./types.ts";

export class PacketSink {
  readonly record: PacketRecord = createPacketRecord();
  readonly warnings: CaptureWarnings;
  /** Set while the caller's callback runs: an exception then is the caller's, not the reader's. */
  inCallback = false;
  /** The callback returned false or the packet limit was reached. */
  stopped = false;

  constructor(
    readonly meta: CaptureMeta,
    private readonly callback: PacketCallback,
    private readonly maxPackets: number,
  ) {
    this.warnings = new CaptureWarnings(meta.warnings);
  }

  /**
   * Delivers `record` (already filled by the parser) as the next frame. Returns false when
   * reading must stop: the callback said so or the limit is reached.
   */
  deliver(): boolean {
    const meta = this.meta;
    if (meta.packets >= this.maxPackets) {
      this.stop();
      return false;
    }
    const record = this.record;
    record.frame = ++meta.packets;
    this.inCallback = true;
    const answer = this.callback(record, meta);
    this.inCallback = false;
    if (answer === false || meta.packets >= this.maxPackets) {
      this.stop();
      return false;
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.meta.stoppedEarly = true;
  }
}
