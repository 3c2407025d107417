/**
 * Renders lab lists and lab results for the terminal. Computes nothing. The checks' details, the
 * facts and the findings' titles can quote the lab's capture: printable.
 */

import type { LabResult } from "../lab/run-lab.ts";
import type { LabInfo } from "../lab/types.ts";
import { printable } from "../model/printable-text.ts";
import { pc } from "./colors.ts";

/** The report lists the analysis's most important findings, not all of them. */
const MAX_FINDINGS_SHOWN = 5;

export function renderLabList(labs: readonly LabInfo[], root: boolean): string {
  const width = Math.max(...labs.map((lab) => lab.name.length));
  const lines = labs.map((lab) => {
    const note = lab.needsRoot && !root ? pc.yellow(" (needs root)") : "";
    return `${lab.name.padEnd(width)}  ${pc.dim(`[${lab.layer}]`)} ${lab.title}${note}`;
  });
  return `${lines.join("\n")}\n`;
}

export function renderLabResult(result: LabResult): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${pc.dim(label.padEnd(10))}${value}`);
  const { lab, expected } = result;
  lines.push(pc.bold(`lab ${lab.name}: ${lab.title}`));
  const cost =
    expected.costMs === undefined
      ? ""
      : ` (cost ${expected.costMs.toFixed(0)} ms ± ${(expected.toleranceMs ?? 0).toFixed(0)})`;
  row("expected", `${expected.layer} / ${expected.kind}${cost}`);
  const kept = result.capture.path ? `, kept at ${result.capture.path}` : "";
  const dropped =
    result.capture.droppedByKernel > 0
      ? pc.yellow(`, ${result.capture.droppedByKernel} dropped by the kernel`)
      : "";
  row("capture", `${result.capture.packets} packets${dropped}${kept}`);
  result.checks.forEach((check, i) => {
    const mark = check.ok ? pc.green("ok ") : pc.red("NOT");
    row(i === 0 ? "checks" : "", `${mark} ${printable(check.name)}: ${printable(check.detail)}`);
  });
  const facts = Object.entries(result.facts).map(([k, v]) => printable(`${k}=${v}`));
  if (facts.length > 0) row("facts", facts.join(" "));
  if (result.analysis.status === "unavailable") {
    row("verdict", pc.yellow(printable(result.analysis.reason ?? "analysis not available")));
  } else if (result.got === null) {
    row("verdict", pc.red("the analysis found nothing"));
  } else {
    const got = `${result.got.layer} / ${result.got.kind}, ${result.got.costMs.toFixed(0)} ms`;
    row("verdict", result.passed ? pc.green(`${got}: matches`) : pc.red(`${got}: does not match`));
  }
  result.findings.slice(0, MAX_FINDINGS_SHOWN).forEach((finding, i) => {
    const line = `${i + 1}. ${finding.layer} / ${finding.kind}, ${finding.costMs.toFixed(0)} ms: ${printable(finding.title)}`;
    row(i === 0 ? "findings" : "", line);
  });
  if (!result.reproduced)
    row("", pc.red("the capture does not show the lab's cause: the lab failed"));
  lines.push("", pc.bold("What happened"));
  for (const line of result.lesson.split("\n")) lines.push(`  ${line}`);
  return `${lines.join("\n")}\n`;
}
