/**
 * Buffered writing to stdout for commands that print one line per packet: lines are gathered into
 * ~64 KiB strings and written synchronously, which is an order of magnitude faster than one
 * process.stdout.write per line and keeps the order with stderr. A closed pipe (`| head`) ends
 * the output quietly.
 */
import { writeSync } from "node:fs";

const FLUSH_AT_CHARS = 64 * 1024;

export class LineWriter {
  private parts: string[] = [];
  private chars = 0;
  closed = false;

  constructor(private readonly fd = 1) {}

  line(text: string): void {
    if (this.closed) return;
    this.parts.push(text);
    this.chars += text.length + 1;
    if (this.chars >= FLUSH_AT_CHARS) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0 || this.closed) return;
    const text = `${this.parts.join("\n")}\n`;
    this.parts = [];
    this.chars = 0;
    try {
      writeAll(this.fd, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPIPE") this.closed = true;
      else throw error;
    }
  }
}

function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      const n = writeSync(fd, buffer);
      buffer = buffer.subarray(n);
    } catch (error) {
      // stdout may be a non-blocking pipe: wait until the reader catches up.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
