/**
 * End-to-end fuzzing of the capture readers, the decoders and the packet renderers on mutated real
 * captures. A case passes when reading finishes within its time limit, and nothing escapes but a
 * CaptureError (whose `code` says the input was unusable). Used by the seeded test in the suite and
 * by `npm run fuzz` for long runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../capture/index.ts";
import { CaptureError } from "../capture/types.ts";
import { Census } from "../census/capture-info.ts";
import { describePacketJson, describePacketText } from "../report/packet-line.ts";
import { prng } from "./prng.ts";

export { prng };

const MUTATIONS = [
  "flip-bits",
  "random-bytes",
  "truncate",
  "huge-length",
  "duplicate-range",
  "insert-garbage",
  "zero-range",
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Returns a mutated copy of `input` and the name of the mutation applied. */
export function mutate(
  input: Uint8Array,
  random: () => number,
): { bytes: Uint8Array; mutation: Mutation } {
  const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)];
  const n = input.length;
  const at = (limit = n) => Math.floor(random() * Math.max(1, limit));
  let bytes: Uint8Array = Uint8Array.from(input);
  switch (mutation) {
    case "flip-bits":
      for (let i = 1 + at(16); i > 0 && n > 0; i--) bytes[at()] ^= 1 << at(8);
      break;
    case "random-bytes":
      for (let i = 1 + at(8); i > 0 && n > 0; i--) bytes[at()] = at(256);
      break;
    case "truncate":
      bytes = bytes.subarray(0, at());
      break;
    case "huge-length": {
      // Lengths are 32-bit little- or big-endian words at 4-byte boundaries in both formats.
      const offset = at(n >> 2) << 2;
      const value = [0xffffffff, 0x7fffffff, 0x00ffffff, 0x80000000, 0x00040001][at(5)];
      if (offset + 4 <= n) new DataView(bytes.buffer).setUint32(offset, value, random() < 0.5);
      break;
    }
    case "duplicate-range": {
      const start = at();
      const len = at(Math.min(4096, n - start));
      const insertAt = at();
      bytes = concat(
        bytes.subarray(0, insertAt),
        bytes.subarray(start, start + len),
        bytes.subarray(insertAt),
      );
      break;
    }
    case "insert-garbage": {
      const garbage = Uint8Array.from({ length: 1 + at(512) }, () => at(256));
      const insertAt = at();
      bytes = concat(bytes.subarray(0, insertAt), garbage, bytes.subarray(insertAt));
      break;
    }
    case "zero-range": {
      const start = at();
      bytes.fill(0, start, start + at(256));
      break;
    }
  }
  return { bytes, mutation };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface FuzzFailure {
  seed: number;
  source: string;
  mutation: Mutation;
  error: string;
}

export interface FuzzResult {
  cases: number;
  failures: FuzzFailure[];
  slowestMs: number;
  /** Cases where the reader threw a CaptureError (input unusable): allowed. */
  rejected: number;
  packets: number;
}

/**
 * Runs `cases` mutations of the given captures, seeds firstSeed, firstSeed+1, … A case fails when an
 * exception other than CaptureError escapes, or it takes longer than `caseLimitMs`.
 */
export async function fuzzCaptures(
  sources: string[],
  cases: number,
  firstSeed: number,
  caseLimitMs = 2_000,
): Promise<FuzzResult> {
  const inputs = sources.map((path) => ({ path, bytes: readFileSync(path) }));
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-fuzz-"));
  const file = join(dir, "case.pcap");
  const result: FuzzResult = { cases: 0, failures: [], slowestMs: 0, rejected: 0, packets: 0 };
  try {
    for (let i = 0; i < cases; i++) {
      const seed = firstSeed + i;
      const random = prng(seed);
      const input = inputs[Math.floor(random() * inputs.length)];
      const { bytes, mutation } = mutate(input.bytes, random);
      writeFileSync(file, bytes);
      const started = performance.now();
      try {
        const census = new Census();
        const meta = await readCapture(file, (record) => {
          census.add(record);
          result.packets++;
          // The renderers must survive whatever the decoders made of the bytes.
          const view = census.lastView;
          describePacketText(view);
          describePacketJson(record, view, "0");
        });
        census.finish(meta);
      } catch (error) {
        if (error instanceof CaptureError && error.code !== "WW_ERR_INTERNAL") result.rejected++;
        else {
          const message =
            error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
          result.failures.push({ seed, source: input.path, mutation, error: message });
        }
      }
      const ms = performance.now() - started;
      result.slowestMs = Math.max(result.slowestMs, ms);
      if (ms > caseLimitMs) {
        result.failures.push({
          seed,
          source: input.path,
          mutation,
          error: `took ${ms.toFixed(0)} ms`,
        });
      }
      result.cases++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
