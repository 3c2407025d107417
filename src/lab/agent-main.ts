/**
 * Entry point of an agent process: `node agent-main LAB ROLE PARAMS_JSON`. Runs the lab's role
 * function, prints its messages as JSON lines, and ends when the role resolves, when its lab
 * closes stdin (the lab is gone), or at the time limit the lab passed (`maxMs`), whichever first.
 */
import { formatAgentLine } from "./agent-io.ts";
import { findLab } from "./registry.ts";

const [labName = "", role = "", paramsJson = "{}"] = process.argv.slice(2);
const params = JSON.parse(paramsJson) as Record<string, unknown>;
const startedNs = process.hrtime.bigint();

function emit(event: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(formatAgentLine(event, data));
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.stdin.unref();
const maxMs = typeof params.maxMs === "number" ? params.maxMs : 30_000;
setTimeout(() => process.exit(3), maxMs).unref();

const main = findLab(labName)?.agents[role];
if (main === undefined) {
  emit("error", { message: `no role ${role} in lab ${labName}` });
  process.exit(2);
}
try {
  const result = await main(params, {
    emit,
    nowMs: () => Number(process.hrtime.bigint() - startedNs) / 1e6,
  });
  emit("result", (result ?? {}) as Record<string, unknown>);
  // Let stdout drain before leaving.
  process.stdout.write("", () => process.exit(0));
} catch (error) {
  emit("error", { message: (error as Error).message, code: (error as { code?: string }).code });
  process.stdout.write("", () => process.exit(1));
}
