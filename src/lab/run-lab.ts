/**
 * Runs one lab: builds its network, captures, runs its agents, checks that the capture shows the
 * lab's cause, asks the analysis for its verdict, and cleans up everything it made whatever
 * happens (normal end, failure, time limit, SIGINT/SIGTERM).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../model/finding.ts";
import { LabContext } from "./context.ts";
import { LabError } from "./lab-error.ts";
import { type LabPacket, readLabPackets } from "./lab-packet.ts";
import { isRoot, removeStaleNamespaces } from "./netns.ts";
import { findLab } from "./registry.ts";
import { Teardown } from "./teardown.ts";
import type { Lab, LabCheck, LabInfo } from "./types.ts";
import { analyzeLabCapture, judgeVerdict, type LabExpected, type LabGot } from "./verdict.ts";

export interface LabRunOptions {
  /** Keep the capture at this path. */
  keepPath?: string;
}

export interface LabResult {
  lab: LabInfo;
  expected: LabExpected;
  /** The first finding of the analysis; null when there was none or no analysis. */
  got: LabGot | null;
  passed: boolean;
  /** The analysis's findings in importance order (empty when it could not run). */
  findings: Finding[];
  /** "unavailable" when the capture could not be analysed (the reason says why). */
  analysis: { status: "analyzed" | "unavailable"; reason?: string };
  /** Whether the capture shows the lab's cause: if not, the lab itself failed. */
  checks: LabCheck[];
  reproduced: boolean;
  /** What the lab's processes saw (error codes, timings). */
  facts: Record<string, number | string>;
  capture: { path: string | undefined; packets: number; droppedByKernel: number };
  lesson: string;
  durationMs: number;
}

export async function runLab(name: string, options: LabRunOptions = {}): Promise<LabResult> {
  const lab = findLab(name);
  if (lab === undefined)
    throw new LabError("WW_ERR_NO_SUCH_LAB", `no lab named "${name}" (see wirewhy lab list)`);
  const root = isRoot();
  if (lab.needsRoot && !root) {
    throw new LabError(
      "WW_ERR_LAB_NEEDS_ROOT",
      `lab ${name} needs root: it builds network namespaces, veth links, iptables rules or tc qdiscs`,
    );
  }
  const started = Date.now();
  const stale = root ? removeStaleNamespaces() : [];
  const teardown = new Teardown();
  const workDir = mkdtempSync(join(tmpdir(), `wirewhy-lab-${name}-`));
  const ctx = new LabContext(name, teardown, join(workDir, `${name}.pcap`), root, lab.timeLimitMs);
  if (stale.length > 0) ctx.fact("staleNamespacesRemoved", stale.join(" "));
  // The capture is read after the teardown has ended the processes, so the directory goes last.
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  const removeSignals = cleanUpOnSignals(teardown, removeWorkDir);
  try {
    await withTimeLimit(lab, ctx);
    const stats = await ctx.stopCapture();
    if (stats === undefined) throw new Error(`lab ${name} started no capture`);
    teardown.runAll();
    if (teardown.errors.length > 0) ctx.fact("cleanupErrors", teardown.errors.join("; "));
    const packets = await readLabPackets(ctx.capturePath);
    const checks = lab.check(packets, ctx.facts);
    const verdict = await analyzeLabCapture(ctx.capturePath);
    const expected = expectedOf(lab, packets, ctx.facts);
    const { passed, got } = judgeVerdict(expected, verdict);
    if (options.keepPath) copyFileSync(ctx.capturePath, options.keepPath);
    return {
      lab: infoOf(lab),
      expected,
      got,
      findings: verdict.status === "analyzed" ? verdict.findings : [],
      passed: passed && checks.every((c) => c.ok),
      analysis:
        verdict.status === "analyzed"
          ? { status: "analyzed" }
          : { status: "unavailable", reason: verdict.reason },
      checks,
      reproduced: checks.every((c) => c.ok),
      facts: ctx.facts,
      capture: {
        path: options.keepPath,
        packets: packets.length,
        droppedByKernel: stats.packetsDroppedByKernel,
      },
      lesson: lab.lesson,
      durationMs: Date.now() - started,
    };
  } finally {
    teardown.runAll();
    removeWorkDir();
    removeSignals();
  }
}

export function infoOf(lab: Lab): LabInfo {
  return {
    name: lab.name,
    title: lab.title,
    layer: lab.layer,
    kind: lab.kind,
    needsRoot: lab.needsRoot,
  };
}

function expectedOf(
  lab: Lab,
  packets: readonly LabPacket[],
  facts: Record<string, number | string>,
): LabExpected {
  return { layer: lab.layer, kind: lab.kind, ...lab.expectedCost(packets, facts) };
}

async function withTimeLimit(lab: Lab, ctx: LabContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LabError(
            "WW_ERR_LAB_TIMEOUT",
            `lab ${lab.name} did not finish within ${lab.timeLimitMs} ms`,
          ),
        ),
      lab.timeLimitMs,
    );
  });
  const running = lab.run(ctx);
  running.catch(() => {}); // after a timeout, the teardown makes it fail: nobody waits for it then
  try {
    await Promise.race([running, limit]);
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw new LabError(
      "WW_ERR_LAB_FAILED",
      `lab ${lab.name} could not run: ${(error as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * On SIGINT/SIGTERM, clean up synchronously and leave with the conventional 128+signal code; on
 * any other exit, clean up too. Returns the function that removes these handlers.
 */
function cleanUpOnSignals(teardown: Teardown, removeWorkDir: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    teardown.runAll();
    removeWorkDir();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  const onExit = () => {
    teardown.runAll();
    removeWorkDir();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", onExit);
  };
}
