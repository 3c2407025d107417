/**
 * What the live lab tests assert of every run: the lab reproduced its cause (every check on its
 * capture holds), tcpdump lost nothing, the lab left no namespace behind, and the verdict: the
 * first finding's layer and kind, and its cost within the lab's tolerance.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { TestContext } from "node:test";
import { hasCommand, requireOrSkip } from "../../testing/corpus.ts";
import { isRoot } from "../netns.ts";
import { findLab } from "../registry.ts";
import { type LabResult, runLab } from "../run-lab.ts";

/** Labs capture with tcpdump and most build namespaces: root (CI runs as root). */
export function requireLabMachine(t: TestContext): boolean {
  return (
    requireOrSkip(t, isRoot(), "labs need root (tcpdump, network namespaces)") &&
    requireOrSkip(t, hasCommand("tcpdump"), "tcpdump is not installed") &&
    requireOrSkip(t, hasCommand("ip"), "iproute2 is not installed")
  );
}

export async function runLabAndAssert(name: string): Promise<LabResult> {
  const lab = findLab(name);
  assert.ok(lab, `no lab ${name}`);
  const result = await runLab(name);
  // A failed check names everything else the run saw, so that a rare failure can be told apart
  // from a capture that lost packets or an agent that did something else.
  const seen = [
    ...result.checks.map((c) => `${c.ok ? "ok" : "FAILED"} ${c.name}: ${c.detail}`),
    `capture: ${result.capture.packets} packets, ${result.capture.droppedByKernel} dropped by the kernel`,
    `facts: ${JSON.stringify(result.facts)}`,
  ].join("; ");
  for (const check of result.checks) {
    assert.ok(check.ok, `${name}: ${check.name}: ${check.detail} (${seen})`);
  }
  assert.ok(result.reproduced);
  assert.equal(result.capture.droppedByKernel, 0, "tcpdump dropped packets");
  assert.ok(result.durationMs < 30_000, `${name} took ${result.durationMs} ms`);
  assert.equal(result.facts.cleanupErrors, undefined, String(result.facts.cleanupErrors));
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  assert.ok(!namespaces.includes(`ww${process.pid}-`), `namespaces left behind: ${namespaces}`);
  assert.equal(result.analysis.status, "analyzed");
  assert.ok(result.got, `${name}: the analysis found nothing`);
  assert.equal(result.got.layer, lab.layer);
  assert.equal(result.got.kind, lab.kind);
  const { costMs, toleranceMs } = result.expected;
  assert.ok(
    Math.abs(result.got.costMs - costMs!) <= toleranceMs!,
    `${name}: cost ${result.got.costMs} ms, expected ${costMs} ± ${toleranceMs}`,
  );
  assert.ok(result.passed);
  return result;
}
