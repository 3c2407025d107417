/** `wirewhy packets`: every packet of a capture as a line of text or an NDJSON object. */
import { readCapture } from "../capture/index.ts";
import type { CaptureMeta } from "../capture/types.ts";
import { createPacketView, decodeRecord } from "../decode/index.ts";
import { TcpAnalyzer } from "../tcp/analyzer.ts";
import { analysisFlagNames } from "../tcp/flags.ts";
import type { LineWriter } from "./output.ts";
import { describePacketJson, describePacketText, relativeTime } from "./packet-line.ts";
import { tcpFlagLabels } from "./tcp-flag-labels.ts";

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
  // Per-packet TCP analysis flags need each connection's history; summaries are not needed.
  const tcp = new TcpAnalyzer({ keepSummaries: false, seriesMaxPoints: 0 });
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
      decodeRecord(record, view);
      const flags = tcp.onPacket(record, view);
      const time = relativeTime(record, refSec, refNsec, digits);
      if (options.json) {
        const json = describePacketJson(record, view, time);
        if (tcp.lastStream >= 0 && json.tcp !== undefined) {
          const t = json.tcp as Record<string, unknown>;
          t.stream = tcp.lastStream;
          if (flags !== 0) t.analysis = analysisFlagNames(flags);
          if (tcp.lastDupAckNumber > 0) t.dupAckNumber = tcp.lastDupAckNumber;
        }
        out.line(JSON.stringify(json));
      } else {
        const labels = tcpFlagLabels(flags, tcp.lastDupAckNumber);
        const text = describePacketText(view);
        out.line(
          `${String(record.frame).padStart(6)} ${time.padStart(digits + 5)}  ${labels === "" ? text : `${text} ${labels}`}`,
        );
      }
      return !out.closed;
    },
    { maxPackets: options.count },
  );
  out.flush();
  return meta;
}
