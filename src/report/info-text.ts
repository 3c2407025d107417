/**
 * Renders CaptureInfo for the terminal, in the spirit of capinfos. Computes nothing. The file's
 * own texts (comments, interface names, warnings) are the capture writer's: printable.
 */

import type { CaptureInfo } from "../census/types.ts";
import { printable } from "../model/printable-text.ts";
import { pc } from "./colors.ts";
import { formatBitRate, formatBytes, formatCount, formatRate } from "./units.ts";

export function renderInfoText(info: CaptureInfo): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${pc.dim(label.padEnd(22))}${value}`);
  row("File", printable(info.source));
  row(
    "Format",
    `${info.format}${info.compression === "gzip" ? " (gzip-compressed)" : ""}, ${info.sections} section${info.sections === 1 ? "" : "s"}`,
  );
  row(
    "File size",
    `${formatBytes(info.fileBytes)}${info.compression === "gzip" ? " uncompressed" : ""}`,
  );
  row("Packets", formatCount(info.packets));
  row(
    "Bytes",
    `${formatBytes(info.wireBytes)} on the wire, ${formatBytes(info.capturedBytes)} captured`,
  );
  if (info.first && info.last) {
    row("First packet", info.first.iso);
    row("Last packet", info.last.iso);
    row("Duration", `${info.durationSec.toFixed(6)} s`);
  }
  if (info.durationSec > 0) {
    row("Data rate", `${formatRate(info.bytesPerSec)}, ${formatBitRate(info.bitsPerSec)}`);
    row("Packet rate", `${info.packetsPerSec.toFixed(1)} packets/s`);
  }
  if (info.packets > 0) row("Average packet", `${info.averagePacketBytes.toFixed(1)} bytes`);
  row("Truncated packets", `${formatCount(info.truncatedPackets)} (cut by the snaplen)`);
  if (info.outOfOrderTimestamps > 0) {
    row(
      "Time order",
      pc.yellow(`${formatCount(info.outOfOrderTimestamps)} packets earlier than the one before`),
    );
  }
  if (info.unsupportedPackets > 0) {
    const which = Object.entries(info.unsupportedByLinkType)
      .map(([name, n]) => `${printable(name)}: ${formatCount(n)}`)
      .join(", ");
    row("Unsupported", pc.yellow(`${formatCount(info.unsupportedPackets)} packets (${which})`));
  }

  lines.push("", pc.bold(`Interfaces (${info.interfaces.length})`));
  for (const i of info.interfaces) {
    const name = i.name ? ` ${printable(i.name)}` : "";
    const snap = i.snapLenBytes === 0 ? "no snaplen" : `snaplen ${i.snapLenBytes}`;
    const offset = i.tsOffsetSec ? `, ts offset ${i.tsOffsetSec} s` : "";
    lines.push(
      `  #${i.index}${name}  ${i.linkTypeName} (${i.linkType}), ${snap}, resolution ${i.tsResolution}${offset}, ${formatCount(i.packets)} packets`,
    );
    if (i.statistics) {
      const s = i.statistics;
      const parts = [
        s.received !== undefined && `received ${s.received}`,
        s.dropped !== undefined && `dropped by interface ${s.dropped}`,
        s.droppedByOs !== undefined && `dropped by OS ${s.droppedByOs}`,
        s.delivered !== undefined && `delivered ${s.delivered}`,
      ].filter(Boolean);
      if (parts.length) lines.push(`      statistics: ${parts.join(", ")}`);
    }
  }

  const protocols = Object.entries(info.protocols);
  if (protocols.length) {
    lines.push("", pc.bold("Protocols (packets holding each layer)"));
    const width = Math.max(...protocols.map(([name]) => name.length));
    for (const [name, n] of protocols) {
      const share = info.packets ? ((100 * n) / info.packets).toFixed(1) : "0";
      lines.push(`  ${name.padEnd(width)}  ${formatCount(n).padStart(12)}  ${share.padStart(5)}%`);
    }
  }
  const stops = Object.entries(info.decodeStops);
  if (stops.length) {
    lines.push("", pc.bold("Decoding stopped early"));
    for (const [what, n] of stops) lines.push(`  ${what}: ${formatCount(n)} packets`);
  }
  if (info.decryptionSecrets.length) {
    lines.push("", pc.bold("Decryption secrets"));
    for (const s of info.decryptionSecrets) {
      lines.push(`  ${printable(s.type)}: ${formatBytes(s.bytes)}`);
    }
  }
  if (info.nameRecords)
    lines.push("", `${pc.bold("Name resolution")}: ${info.nameRecords} records`);
  if (info.comments.length) {
    lines.push("", pc.bold("Comments"));
    for (const c of info.comments) lines.push(`  ${printable(c)}`);
  }
  if (info.warnings.length) {
    lines.push("", pc.bold(pc.yellow(`Warnings (${info.warnings.length})`)));
    for (const w of info.warnings) {
      const where = w.offsetBytes !== undefined ? ` at byte ${w.offsetBytes}` : "";
      const frame = w.frame !== undefined ? ` (frame ${w.frame})` : "";
      lines.push(pc.yellow(`  [${printable(w.code)}]${where}${frame}: ${printable(w.message)}`));
    }
  }
  return `${lines.join("\n")}\n`;
}
