import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { writeJsonWithRows } from "./json-stream.ts";

async function written(fields: Record<string, unknown>, rows: unknown[]): Promise<string> {
  const out = new PassThrough({ highWaterMark: 64 });
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await writeJsonWithRows(out, fields, "rows", rows);
  out.end();
  return Buffer.concat(chunks).toString("utf8");
}

test("the text is JSON.stringify's, whatever the number of rows, through a slow stream", async () => {
  for (const n of [0, 1, 999, 1000, 2501]) {
    const rows = Array.from({ length: n }, (_, i) => ({
      id: i,
      name: `\u001b[2J${i}`,
      skip: undefined,
    }));
    const fields = { schema: "x/1", absent: undefined, rows, totals: { n } };
    assert.equal(await written(fields, rows), `${JSON.stringify(fields)}\n`, `${n} rows`);
  }
});
