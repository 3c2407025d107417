/**
 * Writes a synthetic capture of one long session on a single TCP connection: N pipelined HTTP/1.1
 * requests, N sequential keep-alive requests, or N generic request/response turns on a port no
 * parser claims. For measuring per-request cost on long connections.
 *
 * Usage: npx tsx scripts/make-session.ts OUT N [pipelined|sequential|turns] [--depth D] [--bursts] [--coalesce] [--think-us U] [--stall-us U]
 */
import { type SessionShape, writeSessionFile } from "../src/testing/session-capture.ts";

const args = process.argv.slice(2);
const depthAt = args.indexOf("--depth");
const depth = depthAt >= 0 ? Number(args.splice(depthAt, 2)[1]) : undefined;
const coalesceAt = args.indexOf("--coalesce");
const coalesce = coalesceAt >= 0;
if (coalesce) args.splice(coalesceAt, 1);
const burstsAt = args.indexOf("--bursts");
const bursts = burstsAt >= 0 || coalesce;
if (burstsAt >= 0) args.splice(burstsAt, 1);
const thinkAt = args.indexOf("--think-us");
const thinkUs = thinkAt >= 0 ? Number(args.splice(thinkAt, 2)[1]) : undefined;
const stallAt = args.indexOf("--stall-us");
const stallUs = stallAt >= 0 ? Number(args.splice(stallAt, 2)[1]) : undefined;
const [out, n, shape = "pipelined"] = args;
const requests = Number(n);
if (!out || !Number.isInteger(requests) || requests < 0) {
  console.error(
    "usage: make-session.ts OUT N [pipelined|sequential|turns] [--depth D] [--bursts] [--coalesce] [--think-us U] [--stall-us U]",
  );
  process.exit(2);
}
if (shape !== "pipelined" && shape !== "sequential" && shape !== "turns") {
  console.error(`unknown shape ${shape}`);
  process.exit(2);
}
writeSessionFile(out, {
  shape: shape as SessionShape,
  requests,
  pipelineDepth: depth,
  bursts,
  coalesce,
  thinkUs,
  stallUs,
});
