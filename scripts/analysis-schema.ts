/**
 * Writes docs/analysis.schema.json: the JSON Schema of `wirewhy analyze --json` (schema
 * wirewhy.analysis/1), generated from the zod schema the tests validate with
 * (src/diagnose/analysis-schema.ts) by zod 4's z.toJSONSchema, so the published schema cannot
 * drift from the checked one. test/analyze-cli.test.ts checks the committed file equals this
 * script's output.
 *
 *   npx tsx scripts/analysis-schema.ts
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import { ANALYSIS_SCHEMA } from "../src/diagnose/types.ts";

export function analysisJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(analysisSchema, { target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: ANALYSIS_SCHEMA,
    description: "What `wirewhy analyze --json` prints: docs/analysis.md documents every field.",
    ...rest,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL("../docs/analysis.schema.json", import.meta.url));
  writeFileSync(out, `${JSON.stringify(analysisJsonSchema(), null, 2)}\n`);
  // The repository's formatter decides the layout; the test compares the parsed objects.
  execFileSync("npx", ["biome", "format", "--write", out], { stdio: "inherit" });
  console.log(`wrote ${out}`);
}
