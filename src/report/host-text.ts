/**
 * Renders a HostReport for the terminal: listeners, states per port, counter deltas, findings.
 * Computes nothing. A process name from /proc is whatever the process chose (prctl PR_SET_NAME,
 * argv[0]): it and every other text go through printable.
 */

import type { HostReport } from "../host/types.ts";
import { printable } from "../model/printable-text.ts";
import { pc } from "./colors.ts";
import { findingLines } from "./finding-text.ts";

export function renderHostText(report: HostReport): string {
  const lines: string[] = [];
  const scope = [
    report.netns ? `network namespace ${printable(report.netns)}` : "this host's network namespace",
    report.port !== null ? `port ${report.port}` : "",
    report.pid !== null ? `pid ${report.pid}` : "",
  ]
    .filter((s) => s.length > 0)
    .join(", ");
  lines.push(`${pc.bold("host")} ${scope}`);
  lines.push("");
  lines.push(pc.bold("Listeners"));
  if (report.listeners.length === 0) lines.push(pc.dim("  (none)"));
  else {
    lines.push(
      pc.dim(
        `  ${"address".padEnd(40)} ${"accept queue".padStart(12)} ${"backlog".padStart(8)}  process`,
      ),
    );
    for (const l of report.listeners) {
      const address = printable(l.address);
      const where = address.includes(":") ? `[${address}]:${l.port}` : `${address}:${l.port}`;
      const full = l.backlog !== null && l.peakAcceptQueue > l.backlog;
      const queue = `${l.acceptQueue}${l.peakAcceptQueue !== l.acceptQueue ? ` (peak ${l.peakAcceptQueue})` : ""}`;
      lines.push(
        `  ${where.padEnd(40)} ${full ? pc.red(queue.padStart(12)) : queue.padStart(12)} ${String(l.backlog ?? "?").padStart(8)}  ${l.pid !== null ? `${printable(l.command ?? "?")} (${l.pid})` : pc.dim("?")}`,
      );
    }
  }
  const ports = Object.keys(report.states);
  if (ports.length > 0) {
    lines.push("");
    lines.push(
      pc.bold("TCP states by port") +
        pc.dim(" (local port of this host's services, remote port of its own connections)"),
    );
    for (const port of ports.sort((a, b) => Number(a) - Number(b))) {
      const counts = Object.entries(report.states[port])
        .sort((a, b) => b[1] - a[1])
        .map(([state, n]) => `${printable(state)} ${n}`)
        .join(", ");
      lines.push(
        `  ${port.padStart(5)}  ${counts}${report.outgoing[port] ? pc.dim(" (outgoing)") : ""}`,
      );
    }
  }
  if (report.localPortRange) {
    lines.push(
      pc.dim(
        `ephemeral ports ${report.localPortRange.low}-${report.localPortRange.high}; TIME_WAIT ${report.sockstat.TCP?.tw ?? "?"}; UDP sockets ${report.udp.sockets}, drops ${report.udp.dropsTotal}`,
      ),
    );
  }
  if (report.watch) {
    lines.push("");
    lines.push(
      pc.bold(`Counters that moved in ${report.watch.seconds} s`) +
        pc.dim(` (${report.watch.samples} samples)`),
    );
    const known = report.watch.deltas.filter((d) => d.layer !== null);
    if (known.length === 0) lines.push(pc.dim("  (none of the counters wirewhy explains)"));
    for (const d of known) {
      lines.push(
        `  ${printable(d.name).padEnd(32)} ${`+${d.delta}`.padStart(8)} ${pc.dim(`[${d.layer}]`)} ${printable(d.meaning ?? "")}`,
      );
    }
    const others = report.watch.deltas.length - known.length;
    if (others > 0) lines.push(pc.dim(`  and ${others} other counters (--json lists them)`));
  }
  for (const w of report.warnings) lines.push(pc.yellow(`warning: ${printable(w)}`));
  lines.push("");
  if (report.findings.length === 0) lines.push(pc.green("No findings."));
  for (const f of report.findings) lines.push(...findingLines(f));
  return `${lines.join("\n")}\n`;
}
