/**
 * THE HOOK where packet analysis plugs into `wirewhy probe --capture`.
 *
 * The probe records its own packets (capture.ts) and hands the file to a ProbeCaptureAnalyzer,
 * which returns Findings with frame numbers; probe merges them with its own, the capture's
 * replacing the probe's of the same kind (packets are the stronger evidence).
 *
 * `analyzeProbeCapture` below is the default analyzer. The packet analysis (`wirewhy analyze`:
 * src/tcp → proto → exchange → diagnose) is not built yet; when it is, this function becomes a
 * call to it, filtered to the probe's connections by `localPorts`. Until then it reports itself
 * as unavailable and adds no findings. Callers can pass their own analyzer in
 * ProbeOptions.captureAnalyzer.
 */
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

export async function analyzeProbeCapture(
  _input: ProbeCaptureInput,
): Promise<ProbeCaptureAnalysis> {
  return {
    status: "unavailable",
    reason: "the packet analysis (wirewhy analyze) is not part of this build yet",
    findings: [],
  };
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
