/**
 * Writes one JSON object whose array field may hold more rows than one string can (V8's limit is
 * ~512 MB: `JSON.stringify` of 500,000 connections fails with "Invalid string length"): the
 * fields in order, the array's rows stringified in batches, waiting for the stream to drain so
 * memory stays bounded by a batch. The text is what `JSON.stringify(object)` gives, compact.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

/** Rows stringified per write. */
const ROWS_PER_WRITE = 1000;

export async function writeJsonWithRows(
  out: Writable,
  fields: Record<string, unknown>,
  rowsField: string,
  rows: readonly unknown[],
): Promise<void> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  let first = true;
  await write("{");
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!first) await write(",");
    first = false;
    if (name !== rowsField) {
      await write(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
      continue;
    }
    await write(`${JSON.stringify(name)}:[`);
    for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
      const batch = rows.slice(i, i + ROWS_PER_WRITE).map((row) => JSON.stringify(row) ?? "null");
      await write((i > 0 ? "," : "") + batch.join(","));
    }
    await write("]");
  }
  await write("}\n");
}
