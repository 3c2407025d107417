/**
 * `npm run compare:tshark`: for every capture in the shared corpus, our TCP analysis counts next
 * to tshark 4.0.17's (REFERENCE.tsv), flag by flag, then the share of files that match exactly
 * and the corpus totals. test/tcp-corpus.test.ts asserts the thresholds on the same numbers;
 * docs/tcp-analysis.md explains every remaining difference.
 */
import { pathToFileURL } from "node:url";
import { analyzeConnections } from "../src/tcp/index.ts";
import type { FlagCounts } from "../src/tcp/types.ts";
import { corpusPath, type ReferenceRow, readReference } from "../src/testing/corpus.ts";

/** REFERENCE.tsv column → our count. */
export const COMPARED_COLUMNS: readonly {
  column: string;
  label: string;
  ours: (flags: FlagCounts, connections: number) => number;
}[] = [
  { column: "tcp_conversations", label: "conversations", ours: (_f, c) => c },
  { column: "tcp.analysis.retransmission", label: "retransmission", ours: (f) => f.retransmission },
  {
    column: "tcp.analysis.fast_retransmission",
    label: "fastRetransmission",
    ours: (f) => f.fastRetransmission,
  },
  { column: "tcp.analysis.duplicate_ack", label: "duplicateAck", ours: (f) => f.duplicateAck },
  { column: "tcp.analysis.out_of_order", label: "outOfOrder", ours: (f) => f.outOfOrder },
  { column: "tcp.analysis.lost_segment", label: "lostSegment", ours: (f) => f.lostSegment },
  { column: "tcp.analysis.zero_window", label: "zeroWindow", ours: (f) => f.zeroWindow },
  { column: "tcp.analysis.window_full", label: "windowFull", ours: (f) => f.windowFull },
  { column: "tcp.flags.reset==1", label: "reset", ours: (f) => f.reset },
  { column: "tcp.analysis.keep_alive", label: "keepAlive", ours: (f) => f.keepAlive },
];

export interface FileComparison {
  file: string;
  /** Why our reading failed (then every count of ours is 0), as tshark's counts are then 0 too. */
  error?: string;
  ours: number[];
  tshark: number[];
}

export interface ColumnStats {
  label: string;
  exactFiles: number;
  files: number;
  oursTotal: number;
  tsharkTotal: number;
}

export async function compareCorpus(rows: ReferenceRow[] = readReference()): Promise<{
  files: FileComparison[];
  columns: ColumnStats[];
}> {
  const files: FileComparison[] = [];
  for (const row of rows) {
    const tshark = COMPARED_COLUMNS.map((c) => Number(row[c.column] ?? 0));
    let ours: number[];
    let error: string | undefined;
    try {
      // Where tshark stopped at damage (exit 2) our reader reads on past it (capture.md); compare
      // the frames both read.
      const stoppedAt =
        row.tshark_exit !== "0" && row.tshark_exit !== "" ? Number(row.packets) : undefined;
      const r = await analyzeConnections(corpusPath(row.file), {
        seriesMaxPoints: 0,
        ...(stoppedAt !== undefined ? { maxPackets: stoppedAt } : {}),
      });
      ours = COMPARED_COLUMNS.map((c) => c.ours(r.totals.flags, r.totals.connections));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      ours = COMPARED_COLUMNS.map(() => 0);
    }
    files.push(
      error === undefined
        ? { file: row.file, ours, tshark }
        : { file: row.file, error, ours, tshark },
    );
  }
  const columns = COMPARED_COLUMNS.map((c, i) => ({
    label: c.label,
    exactFiles: files.filter((f) => f.ours[i] === f.tshark[i]).length,
    files: files.length,
    oursTotal: files.reduce((n, f) => n + f.ours[i], 0),
    tsharkTotal: files.reduce((n, f) => n + f.tshark[i], 0),
  }));
  return { files, columns };
}

async function main(): Promise<void> {
  const { files, columns } = await compareCorpus();
  const labels = COMPARED_COLUMNS.map((c) => c.label);
  const out: string[] = [];
  out.push(["file", ...labels.map((l) => `${l} (ours/tshark)`)].join("\t"));
  for (const f of files) {
    const cells = f.ours.map((o, i) => (o === f.tshark[i] ? `${o}` : `${o}/${f.tshark[i]} ✗`));
    out.push(
      [f.file, ...cells].join("\t") + (f.error ? `\t(read error: ${f.error.slice(0, 80)})` : ""),
    );
  }
  out.push("");
  out.push("column\texact files\tours total\ttshark total\tdifference");
  for (const c of columns) {
    const diff = c.tsharkTotal === 0 ? c.oursTotal : (c.oursTotal - c.tsharkTotal) / c.tsharkTotal;
    out.push(
      `${c.label}\t${c.exactFiles}/${c.files} (${((100 * c.exactFiles) / c.files).toFixed(1)}%)\t${c.oursTotal}\t${c.tsharkTotal}\t${c.tsharkTotal === 0 ? diff : `${(100 * diff).toFixed(2)}%`}`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
