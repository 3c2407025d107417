/**
 * Child-process helper for the standard-input tests: reads the capture on stdin ("-") and prints
 * one JSON line with what was read, or the CaptureError's code and message.
 *   node --import tsx src/capture/testing/count-stdin.ts < file.pcap
 */
import { readCapture } from "../index.ts";
import { CaptureError } from "../types.ts";

let bytes = 0;
try {
  const meta = await readCapture("-", (record) => {
    bytes += record.dataView.length;
  });
  process.stdout.write(
    `${JSON.stringify({
      packets: meta.packets,
      bytes,
      format: meta.format,
      compression: meta.compression,
      source: meta.source,
      warnings: meta.warnings.map((w) => w.code),
    })}\n`,
  );
} catch (error) {
  if (!(error instanceof CaptureError)) throw error;
  process.stdout.write(`${JSON.stringify({ error: error.code, message: error.message })}\n`);
}
