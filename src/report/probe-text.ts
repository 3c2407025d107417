/**
 * Renders a ProbeResult for the terminal: runs, phase statistics, verdict, findings. Computes
 * nothing. What the server and the network chose (TLS fields, error messages quoting a reply, the
 * verdict and findings built from them) goes through printable.
 */

import { printable } from "../model/printable-text.ts";
import type { ProbeResult, ProbeRun } from "../probe/types.ts";
import { pc } from "./colors.ts";
import { findingLines } from "./finding-text.ts";

const ms = (v: number | null | undefined, width = 9): string =>
  (v === null || v === undefined ? "—" : v.toFixed(3)).padStart(width);

export function renderProbeText(result: ProbeResult): string {
  const lines: string[] = [];
  const tried = [...new Set(result.runs.flatMap((r) => r.attempts.map((a) => a.address)))];
  const resolved = [...new Set(result.runs.flatMap((r) => r.resolved))];
  lines.push(
    `${pc.bold("probe")} ${printable(result.url)} → ${printable(result.address ?? "(no address reached)")} port ${result.port}`,
  );
  if (resolved.length > 0 && result.hostname !== resolved[0]) {
    lines.push(
      `${pc.dim("resolved".padEnd(10))}${printable(resolved.join(", "))}${result.dnsServer ? ` (via ${printable(result.dnsServer)})` : ""}`,
    );
  }
  if (tried.length > 0) lines.push(`${pc.dim("tried".padEnd(10))}${printable(tried.join(", "))}`);
  const tls = result.runs.find((r) => r.tls)?.tls;
  if (tls) {
    lines.push(
      `${pc.dim("tls".padEnd(10))}${printable(`${tls.version ?? "?"}, ALPN ${tls.alpn ?? "none"}, ${tls.cipher ?? ""}`)}${tls.authorizationError ? pc.yellow(` (accepted despite ${printable(tls.authorizationError)})`) : ""}`,
    );
  }
  lines.push(
    `${pc.dim("runs".padEnd(10))}${result.runs.length}, ${result.reuse ? "one keep-alive connection" : "a fresh connection each"}`,
  );
  lines.push("");
  lines.push(
    pc.dim(
      `${"run".padStart(4)} ${"status".padStart(6)} ${"dns".padStart(9)} ${"connect".padStart(9)} ${"tls".padStart(9)} ${"send".padStart(9)} ${"wait".padStart(9)} ${"download".padStart(9)} ${"total".padStart(9)} ${"server".padStart(9)} ${"rtt".padStart(9)} ${"retrans".padStart(7)}  address`,
    ),
  );
  for (const run of result.runs) lines.push(runLine(run));
  const s = result.summary;
  if (Object.keys(s).length > 0 && result.runs.length > 1) {
    lines.push("");
    lines.push(
      pc.dim(
        `${"ms".padEnd(10)}${"min".padStart(10)}${"median".padStart(10)}${"p95".padStart(10)}${"max".padStart(10)}`,
      ),
    );
    for (const [name, stats] of Object.entries(s)) {
      if (!stats) continue;
      lines.push(
        `${printable(name.replace(/Ms$/, "")).padEnd(10)}${ms(stats.min, 10)}${ms(stats.median, 10)}${ms(stats.p95, 10)}${ms(stats.max, 10)}`,
      );
    }
  }
  lines.push("");
  const v = result.verdict;
  const verdict = printable(v.text);
  lines.push(`${pc.bold("verdict")}   ${v.failed ? pc.red(verdict) : verdict}`);
  const parts = Object.entries(v.layers)
    .filter(([, value]) => value > 0)
    .map(([layer, value]) => `${layer} ${value.toFixed(3)} ms`);
  if (parts.length > 0)
    lines.push(
      `${pc.dim("layers".padEnd(10))}${parts.join(" · ")} ${pc.dim("(median per request)")}`,
    );
  if (result.capture) {
    const c = result.capture;
    lines.push(
      `${pc.dim("capture".padEnd(10))}${printable(`${c.packetsCaptured ?? "?"} packets on ${c.interface} (${c.filter})${c.file ? `, kept in ${c.file}` : ""}; analysis: ${c.analysis.status}${c.analysis.reason ? ` (${c.analysis.reason})` : ""}`)}`,
    );
  }
  for (const w of result.warnings) lines.push(pc.yellow(`warning: ${printable(w)}`));
  if (result.findings.length > 0) {
    lines.push("");
    for (const f of result.findings) lines.push(...findingLines(f));
  }
  return `${lines.join("\n")}\n`;
}

function runLine(run: ProbeRun): string {
  const p = run.phases;
  const status = run.status === null ? "—" : String(run.status);
  const where = run.failure
    ? pc.red(printable(`${run.failure.kind} (${run.failure.code})`))
    : `${printable(run.address ?? "")}${run.localPort ? ` from :${run.localPort}` : ""}${run.reused ? " (reused)" : ""}`;
  return `${String(run.index).padStart(4)} ${status.padStart(6)} ${ms(p.dnsMs)} ${ms(p.connectMs)} ${ms(p.tlsMs)} ${ms(p.sendMs)} ${ms(p.waitMs)} ${ms(p.downloadMs)} ${ms(p.totalMs)} ${ms(run.serverMs)} ${ms(run.rttMs)} ${String(run.kernel?.retransmits ?? "—").padStart(7)}  ${where}`;
}
