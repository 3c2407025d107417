/**
 * The progress bar `wirewhy analyze` draws on standard error while it reads: one line, redrawn in
 * place (`\r`, erase to the end of the line) at most every PROGRESS_REDRAW_MS, erased when the
 * reading ends, so the report and the warnings that follow start on a clean line. When every file's
 * size is known (plain regular files) it shows the bytes read of their total; otherwise (standard
 * input, a pipe, gzip: the reader's offset is in the decompressed bytes) the packets read and
 * packets per second. Only when standard error is a terminal: never into a pipe or a file.
 * `WIREWHY_PROGRESS=1` draws it anyway and `WIREWHY_PROGRESS=0` never (the tests use both).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { STDIN_SOURCE } from "../capture/index.ts";
import { formatBytes, formatCount } from "../report/units.ts";

/** Redraws at most this often (a terminal gets ~10 lines a second, not one per 4,096 packets). */
export const PROGRESS_REDRAW_MS = 100;
/** Cells of the bar: the whole line stays under 80 columns. */
const BAR_CELLS = 16;

/** Whether to draw: `--no-progress` never; WIREWHY_PROGRESS=1/0 forces; else a terminal only. */
export function progressWanted(
  flag: boolean | undefined,
  stream: { isTTY?: boolean } = process.stderr,
): boolean {
  if (flag === false) return false;
  const forced = process.env.WIREWHY_PROGRESS;
  if (forced === "1") return true;
  if (forced === "0") return false;
  return stream.isTTY === true;
}

/**
 * The bytes a progress bar can measure against: a plain regular file's size; NaN for standard
 * input, a FIFO, gzip (offsets then count decompressed bytes) or a file that cannot be opened
 * (the analysis says why).
 */
export function measurableBytes(source: string): number {
  if (source === STDIN_SOURCE) return Number.NaN;
  let fd: number;
  try {
    fd = openSync(source, "r");
  } catch {
    return Number.NaN;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size === 0) return Number.NaN;
    const head = new Uint8Array(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b ? Number.NaN : stat.size;
  } catch {
    return Number.NaN;
  } finally {
    closeSync(fd);
  }
}

interface FileProgress {
  sizeBytes: number;
  offsetBytes: number;
  packets: number;
  done: boolean;
}

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export class ProgressBar {
  private readonly files: FileProgress[];
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    sizes: number[],
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.files = sizes.map((sizeBytes) => ({ sizeBytes, offsetBytes: 0, packets: 0, done: false }));
    this.started = now();
  }

  /** Packets read in file `index` and the offset reached; redraws when it is time. */
  update(index: number, packets: number, offsetBytes: number): void {
    const file = this.files[index]!;
    file.packets = packets;
    file.offsetBytes = offsetBytes;
    this.draw(false);
  }

  /** File `index` is read (`packets` of it), or could not be: it counts whole. */
  finish(index: number, packets?: number): void {
    const file = this.files[index]!;
    file.done = true;
    if (packets !== undefined) file.packets = packets;
    this.draw(false);
  }

  /** Draws now (the first line, before any packet), or when PROGRESS_REDRAW_MS have passed. */
  draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < PROGRESS_REDRAW_MS) return;
    this.lastDraw = t;
    // A terminal that does not say its width (0, as under `script`) gets 80 columns.
    const columns = this.stream.columns ?? 0;
    const width = columns >= 20 ? columns - 1 : 79;
    this.stream.write(`\r${this.line(t).slice(0, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the line (the report follows on standard output, warnings on standard error). */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }

  /** The text of the line at time `t` (ms, as `now`). */
  line(t: number): string {
    const files = this.files;
    let done = 0;
    let packets = 0;
    let readBytes = 0;
    let totalBytes = 0;
    for (const file of files) {
      if (file.done) done++;
      packets += file.packets;
      totalBytes += file.sizeBytes;
      readBytes += file.done ? file.sizeBytes : Math.min(file.offsetBytes, file.sizeBytes);
    }
    const seconds = Math.max(0, (t - this.started) / 1000);
    const parts: string[] = [];
    let head = "wirewhy";
    if (Number.isFinite(totalBytes) && totalBytes > 0) {
      const share = readBytes / totalBytes;
      const cells = Math.round(share * BAR_CELLS);
      head += ` [${"#".repeat(cells)}${".".repeat(BAR_CELLS - cells)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
      parts.push(`${formatBytes(readBytes)} of ${formatBytes(totalBytes)}`);
    } else {
      const rate = seconds > 0 ? Math.round(packets / seconds) : 0;
      parts.push(`${formatCount(packets)} packets`, `${formatCount(rate)} packets/s`);
    }
    if (files.length > 1) parts.push(`${done}/${files.length} files`);
    parts.push(`${seconds.toFixed(1)} s`);
    return `${head} ${parts.join(" · ")}`;
  }
}
