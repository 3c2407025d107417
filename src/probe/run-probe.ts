/**
 * `wirewhy probe URL`: times each phase of real requests with Node's own dns, net, tls, http and
 * http2 (each step separately, so none hides inside another), reads the kernel's TCP_INFO for the
 * socket after each request, charges the time to layers, and turns what it saw into Findings.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareFindings, type Finding } from "../model/finding.ts";
import { captureFilter, ProbeCapture } from "./capture.ts";
import {
  analyzeProbeCapture,
  mergeCaptureFindings,
  type ProbeCaptureAnalysis,
  type ProbeCaptureReport,
} from "./capture-analysis.ts";
import { connectFirst } from "./connect-phase.ts";
import type { ExchangeOutcome } from "./exchange-outcome.ts";
import { classifyFailure } from "./failure-catalogue.ts";
import { Http1Connection, type RequestSpec } from "./http1-exchange.ts";
import { Http2Connection } from "./http2-exchange.ts";
import { readKernelSocket } from "./kernel-socket.ts";
import { emptyLayers, splitRunByLayer } from "./layer-split.ts";
import { summarizeRuns } from "./phase-stats.ts";
import { ProbeError } from "./probe-error.ts";
import { parseDnsServer, type ResolvedAddress, resolveName } from "./resolve-phase.ts";
import { PROBE_RULES } from "./rules/probe-rules.ts";
import { type ProbeTarget, parseProbeTarget } from "./target.ts";
import { startTls } from "./tls-phase.ts";
import type { ProbeOptions, ProbePhaseId, ProbeResult, ProbeRun } from "./types.ts";
import { probeVerdict } from "./verdict.ts";

/** Bounds on what a caller may ask for (every loop and wait in the probe is bounded). */
export const MAX_RUNS = 10_000;
export const MAX_INTERVAL_MS = 3_600_000;
export const MAX_TIMEOUT_MS = 600_000;
export const DEFAULT_TIMEOUT_MS = 10_000;

type ProbeConnection = Http1Connection | Http2Connection;

interface Settings {
  target: ProbeTarget;
  runs: number;
  reuse: boolean;
  intervalMs: number;
  timeoutMs: number;
  family: 4 | 6 | undefined;
  alpn: string[];
  method: "GET" | "HEAD";
  insecure: boolean;
  ca: Buffer | undefined;
  dnsServer: string | undefined;
  tlsResume: boolean;
  kernel: boolean;
}

export async function probeUrl(urlText: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const settings = checkOptions(urlText, options);
  const { target } = settings;
  const wantCapture = options.capture === true || options.keepCaptureFile !== undefined;
  if (settings.kernel)
    requireTool(
      "ss",
      "ss (iproute2) is not installed: install iproute2, or probe with --no-kernel",
    );
  let capture: ProbeCapture | undefined;
  let captureDir: string | undefined;
  const dnsPort =
    target.hostIpFamily !== 0
      ? null
      : settings.dnsServer
        ? Number(settings.dnsServer.slice(settings.dnsServer.lastIndexOf(":") + 1))
        : 53;
  if (wantCapture) {
    if (process.getuid?.() !== 0) {
      throw new ProbeError(
        "WW_ERR_NEEDS_ROOT",
        "--capture needs root (tcpdump opens a raw socket)",
      );
    }
    requireTool("tcpdump", "--capture needs tcpdump: install the tcpdump package");
    let file = options.keepCaptureFile;
    if (file === undefined) {
      captureDir = mkdtempSync(join(tmpdir(), "wirewhy-probe-"));
      file = join(captureDir, "probe.pcap");
    }
    capture = await ProbeCapture.start(
      file,
      options.captureInterface ?? "any",
      captureFilter(target.port, dnsPort),
    );
  }

  const runs: ProbeRun[] = [];
  const warnings: string[] = [];
  let connection: ProbeConnection | undefined;
  let tlsSession: Buffer | undefined;
  try {
    for (let index = 1; index <= settings.runs; index++) {
      if (index > 1 && settings.intervalMs > 0) await sleep(settings.intervalMs);
      const reuse = settings.reuse && connection?.usable() === true;
      if (settings.reuse && connection !== undefined && !reuse) {
        warnings.push(`run ${index}: the server closed the keep-alive connection; reconnected`);
      }
      if (!reuse) {
        connection?.close();
        connection = undefined;
      }
      const outcome = reuse
        ? await reusedRun(index, connection as ProbeConnection, runs, settings)
        : await freshRun(index, settings, tlsSession);
      const { run } = outcome;
      connection = outcome.connection;
      if (outcome.session) tlsSession = outcome.session;
      if (connection && settings.kernel && run.localPort !== null) {
        run.kernel = await readKernelSocket(run.localPort, target.port);
      }
      finishRun(run);
      runs.push(run);
      options.onRun?.(run);
      if (!settings.reuse) {
        connection?.close();
        connection = undefined;
      }
    }
  } finally {
    connection?.close();
  }

  let findings: Finding[] = [];
  const context = {
    endpoint:
      target.authority.includes(":") && !target.authority.endsWith("]")
        ? target.authority
        : `${target.authority}:${target.port}`,
    hostname: target.hostname,
    dnsServer: settings.dnsServer ?? null,
  };
  for (const rule of PROBE_RULES) {
    const produced = rule.evaluate(runs, context);
    if (produced === null) continue;
    if (Array.isArray(produced)) findings.push(...produced);
    else findings.push(produced);
  }

  let captureReport: ProbeCaptureReport | null = null;
  if (capture) {
    const counts = await capture.stop();
    const analyzer = options.captureAnalyzer ?? analyzeProbeCapture;
    const analysis = await analyzer({
      file: capture.file,
      serverAddresses: [...new Set(runs.flatMap((r) => (r.address ? [r.address] : [])))],
      serverPort: target.port,
      localPorts: runs.flatMap((r) => (r.localPort !== null && !r.reused ? [r.localPort] : [])),
      dnsPort,
    }).catch(
      (error: Error): ProbeCaptureAnalysis => ({
        status: "failed",
        reason: error.message,
        findings: [],
      }),
    );
    findings = mergeCaptureFindings(findings, analysis.findings);
    captureReport = {
      file: options.keepCaptureFile ?? null,
      interface: capture.iface,
      filter: capture.filter,
      ...counts,
      analysis: { ...analysis, findings: [...analysis.findings] },
    };
    if (captureDir) rmSync(captureDir, { recursive: true, force: true });
  }
  findings.sort(compareFindings);

  const last =
    [...runs].reverse().find((r) => r.address !== null && r.failure === null) ??
    [...runs].reverse().find((r) => r.address !== null);
  return {
    url: target.url,
    address: last?.address ?? null,
    port: target.port,
    hostname: target.hostname,
    scheme: target.scheme,
    dnsServer: settings.dnsServer ?? null,
    reuse: settings.reuse,
    runs,
    summary: summarizeRuns(runs),
    verdict: probeVerdict(runs, findings),
    findings,
    capture: captureReport,
    warnings,
  };
}

function checkOptions(urlText: string, options: ProbeOptions): Settings {
  const target = parseProbeTarget(urlText);
  const runs = options.runs ?? 1;
  const bounded = (value: number, min: number, max: number, what: string) => {
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new ProbeError(
        "WW_ERR_BAD_OPTION",
        `${what} must be between ${min} and ${max}, got ${value}`,
      );
    }
    return value;
  };
  bounded(runs, 1, MAX_RUNS, "the number of runs (-n)");
  if (!Number.isInteger(runs))
    throw new ProbeError("WW_ERR_BAD_OPTION", `-n must be a whole number, got ${runs}`);
  const intervalMs = bounded(options.intervalMs ?? 0, 0, MAX_INTERVAL_MS, "--interval (ms)");
  const timeoutMs = bounded(
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    1,
    MAX_TIMEOUT_MS,
    "--timeout (ms)",
  );
  const httpVersion = options.httpVersion ?? "auto";
  if (httpVersion === "2" && target.scheme === "http") {
    throw new ProbeError(
      "WW_ERR_BAD_OPTION",
      'HTTP/2 is probed over TLS only (ALPN "h2"): use an https:// URL, or --http1.1',
    );
  }
  if (
    options.family !== undefined &&
    target.hostIpFamily !== 0 &&
    options.family !== target.hostIpFamily
  ) {
    throw new ProbeError(
      "WW_ERR_BAD_OPTION",
      `-${options.family} asks for IPv${options.family}, but ${target.hostname} is an IPv${target.hostIpFamily} address`,
    );
  }
  let ca: Buffer | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = readFileSync(options.caFile);
    } catch (error) {
      throw new ProbeError(
        "WW_ERR_BAD_OPTION",
        `--cacert: cannot read ${options.caFile}: ${(error as Error).message}`,
      );
    }
  }
  return {
    target,
    runs,
    reuse: options.reuse === true,
    intervalMs,
    timeoutMs,
    family: options.family,
    alpn: httpVersion === "2" ? ["h2"] : httpVersion === "1.1" ? ["http/1.1"] : ["h2", "http/1.1"],
    method: options.method ?? "GET",
    insecure: options.insecure === true,
    ca,
    dnsServer: options.dnsServer === undefined ? undefined : parseDnsServer(options.dnsServer),
    tlsResume: options.tlsResume === true,
    kernel: options.kernel !== false,
  };
}

function requireTool(name: string, message: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
  if (found.status !== 0) throw new ProbeError("WW_ERR_MISSING_TOOL", message);
}

function newRun(index: number, reused: boolean): ProbeRun {
  return {
    index,
    startedAt: new Date().toISOString(),
    reused,
    resolved: [],
    attempts: [],
    address: null,
    family: null,
    localAddress: null,
    localPort: null,
    phases: {
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      sendMs: null,
      waitMs: null,
      downloadMs: null,
      totalMs: 0,
    },
    status: null,
    httpVersion: null,
    tls: null,
    responseBytes: 0,
    kernel: null,
    serverMs: null,
    rttMs: null,
    rttSource: null,
    layers: emptyLayers(),
    failure: null,
  };
}

interface RunOutcome {
  run: ProbeRun;
  connection: ProbeConnection | undefined;
  session?: Buffer;
}

async function freshRun(
  index: number,
  settings: Settings,
  previousSession: Buffer | undefined,
): Promise<RunOutcome> {
  const { target } = settings;
  const run = newRun(index, false);
  const fail = (phase: ProbePhaseId, code: string, message: string, since: number): RunOutcome => {
    run.failure = classifyFailure(phase, code, message, performance.now() - since);
    return { run, connection: undefined };
  };

  // DNS
  const t0 = performance.now();
  let addresses: ResolvedAddress[];
  if (target.hostIpFamily !== 0) {
    addresses = [{ address: target.hostname, family: target.hostIpFamily }];
    run.phases.dnsMs = 0;
  } else {
    const resolved = await resolveName(
      target.hostname,
      settings.family,
      settings.dnsServer,
      settings.timeoutMs,
    );
    run.phases.dnsMs = performance.now() - t0;
    if (!resolved.ok) {
      const outcome = fail("dns", resolved.code, resolved.message, t0);
      run.phases.dnsMs = run.failure?.afterMs ?? run.phases.dnsMs;
      return outcome;
    }
    addresses = resolved.addresses;
  }
  run.resolved = addresses.map((a) => a.address);

  // TCP connect
  const tDns = t0 + run.phases.dnsMs;
  const connected = await connectFirst(addresses, target.port, settings.timeoutMs);
  run.attempts = connected.attempts;
  run.phases.connectMs = performance.now() - tDns;
  const lastTried = connected.attempts.at(-1);
  run.address = lastTried?.address ?? null;
  run.family = lastTried?.family ?? null;
  if (!connected.ok) {
    run.failure = classifyFailure(
      "connect",
      connected.code,
      connected.message,
      lastTried?.ms ?? run.phases.connectMs,
    );
    return { run, connection: undefined };
  }
  const tcp = connected.socket;
  run.localAddress = tcp.localAddress ?? null;
  run.localPort = tcp.localPort ?? null;

  // TLS
  const tConn = tDns + run.phases.connectMs;
  let connection: ProbeConnection;
  let tTls = tConn;
  if (target.scheme === "https") {
    const tls = await startTls(tcp, {
      hostname: target.hostname,
      hostIsIp: target.hostIpFamily !== 0,
      alpn: settings.alpn,
      insecure: settings.insecure,
      ca: settings.ca,
      session: settings.tlsResume ? previousSession : undefined,
      timeoutMs: settings.timeoutMs,
    });
    run.phases.tlsMs = performance.now() - tConn;
    if (!tls.ok) {
      tcp.destroy();
      return fail("tls", tls.code, tls.message, tConn);
    }
    tTls = tConn + run.phases.tlsMs;
    run.tls = tls.info;
    connection =
      tls.info.alpn === "h2"
        ? new Http2Connection(tls.socket, `https://${target.authority}`)
        : new Http1Connection(tls.socket);
    const outcome = await exchange(run, connection, settings, tTls);
    // TLS 1.3 tickets arrive just after the handshake: take the newest once the run is over.
    outcome.session = tls.session();
    return outcome;
  }
  run.phases.tlsMs = 0;
  connection = new Http1Connection(tcp);
  return exchange(run, connection, settings, tTls);
}

async function reusedRun(
  index: number,
  connection: ProbeConnection,
  runs: ProbeRun[],
  settings: Settings,
): Promise<RunOutcome> {
  const run = newRun(index, true);
  const first = runs.find(
    (r) => !r.reused && r.localPort === (connection.socket.localPort ?? null),
  );
  run.resolved = first?.resolved ?? [];
  run.address = first?.address ?? null;
  run.family = first?.family ?? null;
  run.localAddress = first?.localAddress ?? null;
  run.localPort = connection.socket.localPort ?? null;
  run.tls = first?.tls ?? null;
  run.phases.dnsMs = 0;
  run.phases.connectMs = 0;
  run.phases.tlsMs = 0;
  return exchange(run, connection, settings, null);
}

async function exchange(
  run: ProbeRun,
  connection: ProbeConnection,
  settings: Settings,
  previousMark: number | null,
): Promise<RunOutcome> {
  const { target } = settings;
  const spec: RequestSpec = {
    method: settings.method,
    path: target.path,
    authority: target.authority,
    scheme: target.scheme,
    timeoutMs: settings.timeoutMs,
  };
  const result: ExchangeOutcome = await connection.request(spec);
  const m = result.moments;
  // Phases tile: send starts where TLS (or connect) ended.
  const start = previousMark ?? m.startAt;
  run.httpVersion = result.httpVersion;
  run.responseBytes = result.responseBytes;
  if (!result.ok) {
    run.status = result.status;
    const phaseStart =
      result.phase === "send"
        ? start
        : result.phase === "wait"
          ? (m.sentAt ?? start)
          : (m.firstByteAt ?? start);
    run.phases.sendMs = m.sentAt === null ? result.failedAt - start : m.sentAt - start;
    if (m.sentAt !== null) run.phases.waitMs = (m.firstByteAt ?? result.failedAt) - m.sentAt;
    if (m.firstByteAt !== null) run.phases.downloadMs = result.failedAt - m.firstByteAt;
    run.failure = classifyFailure(
      result.phase,
      result.code,
      result.message,
      result.failedAt - phaseStart,
    );
    return { run, connection: undefined };
  }
  run.status = result.status;
  run.phases.sendMs = (m.sentAt as number) - start;
  run.phases.waitMs = (m.firstByteAt as number) - (m.sentAt as number);
  run.phases.downloadMs = (m.endAt as number) - (m.firstByteAt as number);
  if (result.status >= 500) {
    run.failure = classifyFailure("http", `HTTP_${result.status}`, `HTTP ${result.status}`, 0);
  }
  return { run, connection };
}

/** Totals, RTT, server time and the layer split, once the kernel view is in. */
function finishRun(run: ProbeRun): void {
  const p = run.phases;
  run.phases.totalMs =
    (p.dnsMs ?? 0) +
    (p.connectMs ?? 0) +
    (p.tlsMs ?? 0) +
    (p.sendMs ?? 0) +
    (p.waitMs ?? 0) +
    (p.downloadMs ?? 0);
  if (run.failure?.phase === "http") run.failure.afterMs = run.phases.totalMs;
  if (run.kernel?.minRttMs != null) {
    run.rttMs = run.kernel.minRttMs;
    run.rttSource = "kernel-min-rtt";
  } else if (
    !run.reused &&
    run.attempts.length === 1 &&
    p.connectMs !== null &&
    run.failure?.phase !== "connect"
  ) {
    run.rttMs = p.connectMs;
    run.rttSource = "connect-time";
  }
  if (run.rttMs !== null && p.waitMs !== null && run.failure === null) {
    run.serverMs = Math.max(0, p.waitMs - run.rttMs);
  } else if (run.rttMs !== null && p.waitMs !== null && run.failure?.phase === "http") {
    run.serverMs = Math.max(0, p.waitMs - run.rttMs);
  }
  round(run);
  run.layers = splitRunByLayer(run);
  for (const key of Object.keys(run.layers) as (keyof typeof run.layers)[]) {
    run.layers[key] = Math.round(run.layers[key] * 1000) / 1000;
  }
}

/** Microsecond resolution is all performance.now() promises across platforms. */
function round(run: ProbeRun): void {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  const p = run.phases;
  p.dnsMs = r(p.dnsMs);
  p.connectMs = r(p.connectMs);
  p.tlsMs = r(p.tlsMs);
  p.sendMs = r(p.sendMs);
  p.waitMs = r(p.waitMs);
  p.downloadMs = r(p.downloadMs);
  p.totalMs = r(p.totalMs) as number;
  run.serverMs = r(run.serverMs);
  if (run.failure) run.failure.afterMs = r(run.failure.afterMs) as number;
  for (const a of run.attempts) a.ms = r(a.ms) as number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
