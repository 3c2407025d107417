/**
 * Test helpers for the shared corpus (../shared/captures beside the clone). The corpus belongs to
 * other projects: tests read it in place and never copy it. Where it is absent (a user's own clone)
 * corpus tests skip with a reason; under CI=true a skip is a failure, so CI can never pass by
 * silently running nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const corpusDir = resolve(repoRoot, "../shared/captures");

export function corpusAvailable(): boolean {
  return existsSync(join(corpusDir, "REFERENCE.tsv"));
}

/** Skips the test (or fails it under CI=true) when the condition does not hold. */
export function requireOrSkip(t: TestContext, ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (process.env.CI === "true") {
    throw new Error(`required under CI=true: ${reason}`);
  }
  t.skip(reason);
  return false;
}

export function requireCorpus(t: TestContext): boolean {
  return requireOrSkip(t, corpusAvailable(), `the shared corpus is not at ${corpusDir}`);
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function requireCommand(t: TestContext, name: string): boolean {
  return requireOrSkip(t, hasCommand(name), `${name} is not installed`);
}

export function corpusPath(file: string): string {
  return join(corpusDir, file);
}

const CAPTURE_FILE = /\.(pcap|pcapng|cap)(\.gz)?$/;

/**
 * Every capture a whole-corpus test reads: the shared corpus's, then the project's own (lab
 * fixtures, examples). Call it after requireCorpus.
 */
export function allTestCaptures(): string[] {
  const dirs = [corpusDir, join(repoRoot, "test/fixtures/labs"), join(repoRoot, "examples")];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => CAPTURE_FILE.test(name))
      .map((name) => join(dir, name)),
  );
}

/** One row of REFERENCE.tsv: tshark's figures for one corpus file, keyed by column name. */
export type ReferenceRow = Record<string, string> & { file: string };

export function readReference(): ReferenceRow[] {
  const text = readFileSync(join(corpusDir, "REFERENCE.tsv"), "utf8");
  const lines = text.split("\n").filter((l) => l.length > 0 && !l.startsWith("#"));
  const header = lines[0].split("\t");
  return lines.slice(1).map((line) => {
    const cells = line.split("\t");
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      row[name] = cells[i] ?? "";
    });
    return row as ReferenceRow;
  });
}
