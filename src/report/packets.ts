/** `wirewhy packets`: every packet of a capture as a line of text or an NDJSON object. */
import { readCapture } from "../capture/index.ts";
import type { CaptureMeta } from "../capture/types.ts";
import { createPacketView, decodePacket } from "../decode/index.ts";
import type { LineWriter } from "./output.ts";
import { describePacketJson, describePacketText, relativeTime } from "./packet-line.ts";

export interface PacketsOptions {
  /** Stop after this many packets (`-c N`). */
  count?: number;
  json?: boolean;
}

export async function writePackets(
  source: string,
  options: PacketsOptions,
  out: LineWriter,
): Promise<CaptureMeta> {
  const view = createPacketView();
  let refSec = 0;
  let refNsec = 0;
  let digits = 6;
  const meta = await readCapture(
    source,
    (record, m) => {
      if (record.frame === 1) {
        refSec = record.tsSec;
        refNsec = record.tsNsec;
        digits = m.interfaces.some((i) => i.tsUnitsPerSec > 1e6) ? 9 : 6;
      }
      decodePacket(record.linkType, record.dataView, record.originalLenBytes, view);
      const time = relativeTime(record, refSec, refNsec, digits);
      if (options.json) out.line(JSON.stringify(describePacketJson(record, view, time)));
      else
        out.line(
          `${String(record.frame).padStart(6)} ${time.padStart(digits + 5)}  ${describePacketText(view)}`,
        );
      return !out.closed;
    },
    { maxPackets: options.count },
  );
  out.flush();
  return meta;
}
