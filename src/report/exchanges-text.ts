/**
 * Renders `wirewhy exchanges` for the terminal, one line per exchange as the pass emits it
 * (streamed: a 500 MB capture prints its first rows at once and holds none): id, connection,
 * protocol, what was asked (method and target, the TLS SNI, the DNS name), status, the phases
 * with their milliseconds, the bytes each way, and the outcome. Computes nothing; what the capture
 * said (targets, names) goes through printable.
 */
import { stripVTControlCharacters } from "node:util";
import type { Exchange, Phase } from "../exchange/types.ts";
import { printable } from "../model/printable-text.ts";
import { pc } from "./colors.ts";
import { LineWriter } from "./output.ts";
import { formatBytes } from "./units.ts";

/** Longer targets are cut in the middle of the table (the JSON has them whole). */
const TARGET_MAX_CHARS = 48;

function ms(x: number): string {
  if (x >= 1000) return `${(x / 1000).toFixed(2)}s`;
  if (x >= 10) return x.toFixed(0);
  return x.toFixed(1);
}

function what(x: Exchange): string {
  const r = x.request;
  let text = r.method !== "" ? `${r.method} ${r.target}` : r.target;
  if (x.protocol === "dns" && x.dns !== undefined) text = `${x.dns.qtypeName} ${r.target}`;
  return text === "" ? "-" : printable(text, TARGET_MAX_CHARS);
}

function status(x: Exchange): string {
  if (x.response === null) return "-";
  if (x.protocol === "dns") return printable(x.dns?.rcodeName ?? String(x.response.status));
  if (x.response.status === 0) return "-";
  const s = String(x.response.status);
  if (x.response.status >= 500) return pc.red(s);
  if (x.response.status >= 400) return pc.yellow(s);
  return s;
}

function phaseText(p: Phase): string {
  return `${p.name} ${ms(p.durationMs)}`;
}

function outcomeText(outcome: Exchange["outcome"]): string {
  return outcome === "complete" ? outcome : pc.red(outcome);
}

function pad(text: string, width: number, right = false): string {
  // Colour codes take no columns.
  const visible = stripVTControlCharacters(text).length;
  const fill = " ".repeat(Math.max(0, width - visible));
  return right ? fill + text : text + fill;
}

export class ExchangesTextWriter {
  private readonly out: LineWriter;

  /** `live`: the capture comes from a pipe: rows go out as they are made (LineWriter). */
  constructor(live = false) {
    this.out = new LineWriter(1, live);
  }
  private rows = 0;

  get closed(): boolean {
    return this.out.closed;
  }

  header(): void {
    this.out.line(
      pc.bold(
        `${pad("#", 5, true)} ${pad("conn", 5, true)} ${pad("proto", 7)} ${pad("request", TARGET_MAX_CHARS)} ${pad("status", 8)} ${pad("total ms", 9, true)}  ${pad("bytes → / ←", 21)} ${pad("outcome", 11)} phases (ms)`,
      ),
    );
  }

  exchange(x: Exchange): void {
    this.rows++;
    const sizes = `${formatBytes(x.request.bytes)} / ${x.response === null ? "-" : formatBytes(x.response.bytes)}`;
    this.out.line(
      `${pad(String(x.id), 5, true)} ${pad(x.connection < 0 ? "-" : String(x.connection), 5, true)} ${pad(x.protocol, 7)} ${pad(what(x), TARGET_MAX_CHARS)} ${pad(status(x), 8)} ${pad(ms(x.durationMs), 9, true)}  ${pad(sizes, 21)} ${pad(outcomeText(x.outcome), 11)} ${x.phases.map(phaseText).join(" · ")}`,
    );
  }

  /** The closing line: how many exchanges were shown out of how many. */
  footer(total: number, dnsTransactions: number, connections: number): void {
    this.out.line(
      pc.dim(
        `${this.rows} of ${total} exchanges shown (${dnsTransactions} DNS lookups) on ${connections} TCP connections`,
      ),
    );
    this.out.flush();
  }
}
