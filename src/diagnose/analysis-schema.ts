/**
 * The zod schema of `wirewhy analyze --json` (wirewhy.analysis/1): what tests validate every
 * Analysis against, and what docs publish as JSON Schema (`z.toJSONSchema(analysisSchema)`).
 * It mirrors src/diagnose/types.ts, src/exchange/types.ts and src/model/finding.ts; objects are
 * not strict, so a field added under the same schema version validates (DESIGN.md: adding fields
 * is fine, renaming or removing needs a new version).
 */
import { z } from "zod";
import { LAYERS } from "../model/finding.ts";
import { ANALYSES_SCHEMA } from "./analyses.ts";
import { ANALYSIS_SCHEMA } from "./types.ts";

const layer = z.enum(LAYERS);
/** Milliseconds and counts are finite and never negative. */
const ms = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();
const frame = z.number().int().positive();

export const findingSchema = z.object({
  kind: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  layer,
  severity: z.enum(["info", "warning", "error"]),
  costMs: ms,
  title: z.string().min(1),
  explanation: z.string().min(1),
  advice: z.string(),
  confidence: z.number().min(0).max(1),
  count: z.number().int().positive(),
  endpoint: z.string().optional(),
  evidence: z.object({
    frames: z.array(frame).max(10),
    connections: z.array(count).optional(),
    exchanges: z.array(count).optional(),
    facts: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  }),
});

export const phaseSchema = z.object({
  name: z.enum(["dns", "connect", "tls", "request", "wait", "response", "idle", "client-gap"]),
  startMs: z.number().finite(),
  durationMs: ms,
  frames: z.array(count),
  layer,
  charges: z.partialRecord(layer, ms),
});

export const exchangeSchema = z.object({
  id: count,
  protocol: z.enum(["http1", "http2", "tls", "dns", "generic"]),
  connection: z.number().int().min(-1),
  index: count,
  client: z.string(),
  server: z.string(),
  request: z.object({
    method: z.string(),
    target: z.string(),
    host: z.string(),
    bytes: count,
    firstFrame: count,
    lastFrame: count,
  }),
  response: z
    .object({
      status: count,
      bytes: count,
      firstFrame: count,
      lastFrame: count,
      ackFrame: count,
    })
    .nullable(),
  outcome: z.enum(["complete", "no-response", "reset", "truncated", "gap"]),
  startMs: z.number().finite(),
  durationMs: ms,
  phases: z.array(phaseSchema),
  vantage: z.enum(["client-side", "server-side", "loopback", "middle", "unknown"]).optional(),
  rttMs: z.number().finite().nullable().optional(),
  dnsExchangeId: count.optional(),
  interimResponses: count.optional(),
  oneWay: z.literal(true).optional(),
  cancelled: z.literal(true).optional(),
  tls: z
    .object({
      serverName: z.string(),
      alpnOffered: z.array(z.string()),
      alpn: z.string(),
      version: count,
      versionName: z.string(),
      resumed: z.boolean(),
      handshakeRoundTrips: count,
      handshakeComplete: z.boolean(),
      clientWaitMs: z.number().finite().optional(),
    })
    .optional(),
  dns: z
    .object({
      transport: z.enum(["udp", "tcp"]),
      id: count,
      qtypeName: z.string(),
      rcodeName: z.string(),
      retries: count,
      latencyMs: z.number().finite(),
      serverLatencyMs: z.number().finite(),
      addresses: z.array(z.string()),
    })
    .optional(),
});

export const vantageSchema = z.object({
  kind: z.enum(["client-side", "server-side", "loopback", "middle", "unknown"]),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
});

export const analysisSchema = z.object({
  schema: z.literal(ANALYSIS_SCHEMA),
  capture: z.object({
    source: z.string(),
    format: z.string(),
    packets: count,
    first: z.iso.datetime().nullable(),
    last: z.iso.datetime().nullable(),
    durationMs: z.number().finite(),
    warnings: z.array(
      z.object({
        code: z.string(),
        message: z.string(),
        offsetBytes: z.number().optional(),
        frame: z.number().optional(),
        count: z.number().optional(),
        skippedBytes: z.number().optional(),
      }),
    ),
    partial: z.boolean(),
    limits: z
      .object({
        maxConnections: count,
        maxMemoryMB: z.number().positive(),
        evictedConnections: count,
        evictedHalfOpen: count,
        firstEvictionMs: z.number().finite(),
        lastEvictionMs: z.number().finite(),
        droppedTombstones: count,
        incompleteKinds: z.array(z.string()),
      })
      .optional(),
  }),
  vantage: vantageSchema,
  summary: z.object({
    connections: count,
    exchanges: count,
    slowExchanges: count,
    failures: count,
    failedConnections: count,
    failedConnectionsMs: ms,
    totalMs: ms,
    byLayer: z.record(layer, ms),
    headline: z.string().min(1),
  }),
  exchanges: z.array(exchangeSchema),
  exchangesOmitted: count,
  findings: z.array(findingSchema),
  assumptions: z.array(z.string()),
});

export type AnalysisJson = z.infer<typeof analysisSchema>;

/** `wirewhy analyze A.pcap B.pcap … --json` (wirewhy.analyses/1, src/diagnose/analyses.ts). */
export const analysesSchema = z.object({
  schema: z.literal(ANALYSES_SCHEMA),
  captures: z.array(analysisSchema),
  errors: z.array(z.object({ source: z.string(), code: z.string(), message: z.string() })),
  summary: z.object({
    captures: count,
    analyzed: count,
    unreadable: count,
    partial: count,
    packets: count,
    connections: count,
    exchanges: count,
    slowExchanges: count,
    failures: count,
    failedConnections: count,
    failedConnectionsMs: ms,
    totalMs: ms,
    byLayer: z.record(layer, ms),
    findingKinds: z.array(
      z.object({
        kind: z.string(),
        layer,
        severity: z.enum(["info", "warning", "error"]),
        captures: z.number().int().positive(),
        findings: z.number().int().positive(),
        count: z.number().int().positive(),
        costMs: ms,
      }),
    ),
    headline: z.string().min(1),
  }),
});
