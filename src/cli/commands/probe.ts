import type { Command } from "commander";
import { ExitCode } from "../exit-codes.ts";
import { parsePositiveInt, UsageError } from "../input.ts";

interface ProbeFlags {
  runs?: number;
  reuse?: boolean;
  interval?: string;
  timeout?: string;
  ipv4?: boolean;
  ipv6?: boolean;
  http?: string;
  head?: boolean;
  insecure?: boolean;
  cacert?: string;
  dnsServer?: string;
  tlsResume?: boolean;
  kernel?: boolean;
  capture?: boolean;
  keepCapture?: string;
  captureInterface?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("probe")
    .description(
      "time a real request phase by phase (DNS, connect, TLS, send, wait, download), read the kernel's view of the socket, and say which layer cost the time or made it fail",
    )
    .argument("<url>", "http:// or https:// URL")
    .option("-n, --runs <n>", "number of requests", parsePositiveInt)
    .option("--reuse", "send all requests on one keep-alive connection")
    .option("--interval <duration>", "pause between requests (500ms, 2s; a bare number is seconds)")
    .option("--timeout <duration>", "limit for each phase (default 10s)")
    .option("-4, --ipv4", "use IPv4 addresses only")
    .option("-6, --ipv6", "use IPv6 addresses only")
    .option(
      "--http <version>",
      "HTTP version over TLS: auto (ALPN h2 or http/1.1), 1.1 or 2",
      "auto",
    )
    .option("--head", "send HEAD instead of GET")
    .option(
      "-k, --insecure",
      "go on when the certificate is not valid (the problem is still reported)",
    )
    .option("--cacert <file>", "trust the CA certificates in this PEM file")
    .option("--dns-server <addr>", "resolve with this DNS server (ADDR, ADDR:PORT, [V6]:PORT)")
    .option("--tls-resume", "offer the previous run's TLS session on each new connection")
    .option("--no-kernel", "do not read the kernel's socket view with ss")
    .option("--capture", "record the probe's packets with tcpdump (root) and analyse them")
    .option("--keep-capture <file>", "keep the capture in FILE (implies --capture)")
    .option("--capture-interface <name>", "interface to capture on (default any)")
    .option("--json", "print a JSON object")
    .action(async (url: string, flags: ProbeFlags) => {
      const { probeUrl } = await import("../../probe/run-probe.ts");
      const { parseDurationMs } = await import("../../probe/duration.ts");
      if (flags.ipv4 && flags.ipv6) throw new UsageError("-4 and -6 exclude each other");
      if (flags.http !== "auto" && flags.http !== "1.1" && flags.http !== "2") {
        throw new UsageError(`--http: expected auto, 1.1 or 2, got "${flags.http}"`);
      }
      const result = await probeUrl(url, {
        runs: flags.runs,
        reuse: flags.reuse,
        intervalMs:
          flags.interval === undefined ? undefined : parseDurationMs(flags.interval, "--interval"),
        timeoutMs:
          flags.timeout === undefined ? undefined : parseDurationMs(flags.timeout, "--timeout"),
        family: flags.ipv4 ? 4 : flags.ipv6 ? 6 : undefined,
        httpVersion: flags.http,
        method: flags.head ? "HEAD" : "GET",
        insecure: flags.insecure,
        caFile: flags.cacert,
        dnsServer: flags.dnsServer,
        tlsResume: flags.tlsResume,
        kernel: flags.kernel,
        capture: flags.capture,
        keepCaptureFile: flags.keepCapture,
        captureInterface: flags.captureInterface,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const { renderProbeText } = await import("../../report/probe-text.ts");
        process.stdout.write(renderProbeText(result));
      }
      process.exitCode = result.verdict.failed ? ExitCode.VERDICT_FAILED : ExitCode.OK;
    });
}
