/**
 * The JSON of `wirewhy lab list --json` and `wirewhy lab run --json`. The field names are a
 * contract (issue 6): `{ name, title, layer, kind, needsRoot }` per lab, and
 * `{ name, passed, expected: { layer, kind }, got: { layer, kind, costMs } | null }` per run.
 */
import type { LabResult } from "../lab/run-lab.ts";
import type { LabInfo } from "../lab/types.ts";
import type { Layer } from "../model/finding.ts";

export interface LabListEntryJson {
  name: string;
  title: string;
  layer: Layer;
  kind: string;
  needsRoot: boolean;
}

export interface LabResultJson {
  name: string;
  passed: boolean;
  expected: { layer: Layer; kind: string };
  got: { layer: Layer; kind: string; costMs: number } | null;
}

export function labListJson(labs: readonly LabInfo[]): LabListEntryJson[] {
  return labs.map((lab) => ({
    name: lab.name,
    title: lab.title,
    layer: lab.layer,
    kind: lab.kind,
    needsRoot: lab.needsRoot,
  }));
}

export function labResultJson(result: LabResult): LabResultJson {
  return {
    name: result.lab.name,
    passed: result.passed,
    expected: { layer: result.expected.layer, kind: result.expected.kind },
    got:
      result.got === null
        ? null
        : { layer: result.got.layer, kind: result.got.kind, costMs: result.got.costMs },
  };
}
