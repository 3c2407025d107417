/**
 * Writes `wirewhy exchanges --json` as it goes: `{"schema":…,"source":…,"exchanges":[` first, each
 * exchange when the pass emits it, and the summary after the array, so memory stays flat however
 * many exchanges the capture holds. The whole output is one JSON object (docs/exchanges.md).
 */
import type { Exchange } from "../exchange/types.ts";
import { LineWriter } from "./output.ts";

export const EXCHANGES_SCHEMA = "wirewhy.exchanges/1";

export interface ExchangesJsonSummary {
  exchanges: number;
  shown: number;
  dnsTransactions: number;
  connections: number;
  packets: number;
  anomalies: Record<string, number>;
}

export class ExchangesJsonWriter {
  private readonly out: LineWriter;

  /** `live`: the capture comes from a pipe: rows go out as they are made (LineWriter). */
  constructor(live = false) {
    this.out = new LineWriter(1, live);
  }
  private shown = 0;

  get closed(): boolean {
    return this.out.closed;
  }

  begin(source: string): void {
    this.out.line(
      `{"schema":${JSON.stringify(EXCHANGES_SCHEMA)},"source":${JSON.stringify(source)},"exchanges":[`,
    );
  }

  exchange(x: Exchange): void {
    this.out.line(`${this.shown === 0 ? "" : ","}${JSON.stringify(x)}`);
    this.shown++;
  }

  end(summary: Omit<ExchangesJsonSummary, "shown">): void {
    const full: ExchangesJsonSummary = { ...summary, shown: this.shown };
    this.out.line(`],"summary":${JSON.stringify(full)}}`);
    this.out.flush();
  }
}
