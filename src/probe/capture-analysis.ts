/**
 * Where packet analysis plugs into `wirewhy probe --capture`.
 *
 * The probe records its own packets (capture.ts) and hands the file to a ProbeCaptureAnalyzer,
 * which returns Findings with frame numbers; probe merges them with its own, the capture's
 * replacing the probe's of the same kind (packets are the stronger evidence).
 *
 * `analyzeProbeCapture` below is the default analyzer: `wirewhy analyze`'s engine
 * (analyzeCapture) restricted to the probe's connections by their local ports, and the DNS
 * lookups on the probe's DNS port. Callers can pass their own analyzer in
 * ProbeOptions.captureAnalyzer.
 */
import { analyzeCapture } from "../diagnose/analyze-capture.ts";
import type { Finding } from "../model/finding.ts";

export interface ProbeCaptureInput {
  /** The pcap file tcpdump wrote. */
  file: string;
  /** The server address(es) the runs connected to. */
  serverAddresses: string[];
  serverPort: number;
  /** The probe's local TCP ports, one per connection: the connections to analyse. */
  localPorts: number[];
  /** UDP port of the DNS queries in the capture (53, or --dns-server's), null without DNS. */
  dnsPort: number | null;
}

export interface ProbeCaptureAnalysis {
  status: "analyzed" | "unavailable" | "failed";
  /** Why not analysed, or what failed. */
  reason: string | null;
  findings: Finding[];
}

export type ProbeCaptureAnalyzer = (input: ProbeCaptureInput) => Promise<ProbeCaptureAnalysis>;

export async function analyzeProbeCapture(input: ProbeCaptureInput): Promise<ProbeCaptureAnalysis> {
  const analysis = await analyzeCapture(input.file, {
    slowest: 0,
    clientPorts: input.localPorts,
    ...(input.dnsPort !== null && input.dnsPort !== 53 ? { dnsPorts: [input.dnsPort] } : {}),
  });
  return { status: "analyzed", reason: null, findings: analysis.findings };
}

/** What `probe --capture` reports about its capture. */
export interface ProbeCaptureReport {
  /** The capture file when kept (--keep-capture), else null (it was deleted). */
  file: string | null;
  interface: string;
  /** The BPF filter given to tcpdump. */
  filter: string;
  /** tcpdump's own counts, from its exit summary. */
  packetsCaptured: number | null;
  packetsReceivedByFilter: number | null;
  packetsDroppedByKernel: number | null;
  analysis: ProbeCaptureAnalysis;
}

/** The analyzer's findings replace the probe's of the same kind; the rest are added. */
export function mergeCaptureFindings(probe: Finding[], capture: Finding[]): Finding[] {
  const replaced = new Set(capture.map((f) => f.kind));
  return [...probe.filter((f) => !replaced.has(f.kind)), ...capture];
}
