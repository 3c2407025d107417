/**
 * The diagnose stage's public API: `analyzeCapture(file)` returns the verdict (Analysis), and the
 * zod schema that validates it (analysis-schema.ts) for publishing as JSON Schema.
 */

export * from "./analyses.ts";
export {
  analysesSchema,
  analysisSchema,
  exchangeSchema,
  findingSchema,
  phaseSchema,
} from "./analysis-schema.ts";
export { analyzeCapture, DEFAULT_SLOWEST } from "./analyze-capture.ts";
export { Diagnosis, type DiagnosisOptions } from "./diagnosis.ts";
export { layerWords } from "./headline.ts";
export type { FindingKind, RuleFactory } from "./rule.ts";
export { FINDING_KINDS, RULES } from "./rules/index.ts";
export * from "./types.ts";
