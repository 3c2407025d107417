/**
 * wirewhy's public API. The CLI uses nothing that is not exported here.
 */

// capture: reading pcap / pcapng, plain or gzip, files or standard input
export {
  type DetectedFormat,
  detectFormat,
  type ReadCaptureOptions,
  readCapture,
  readCaptureStream,
  STDIN_SOURCE,
} from "./capture/index.ts";
export { isRawIpLinkType, linkTypeName } from "./capture/linktypes.ts";
export type {
  CaptureFormat,
  CaptureInterface,
  CaptureMeta,
  CaptureSection,
  CaptureWarning,
  CaptureWarningCode,
  PacketCallback,
  PacketRecord,
} from "./capture/types.ts";
export { CaptureError } from "./capture/types.ts";
// census: `wirewhy info`
export { Census, captureInfo } from "./census/capture-info.ts";
export type { CaptureInfo, InterfaceInfo } from "./census/types.ts";
// decode: zero-copy packet views
export {
  createPacketView,
  decodePacket,
  decodeRecord,
  formatIp,
  formatMac,
  tcpFlagsString,
} from "./decode/index.ts";
export type { DecodeStop, PacketView } from "./decode/types.ts";
export { TcpFlag } from "./decode/types.ts";
// diagnose: the verdict (`wirewhy analyze`): findings by layer, time by layer, the slowest exchanges
export {
  ANALYSES_SCHEMA,
  ANALYSIS_SCHEMA,
  type Analyses,
  type AnalysesError,
  type AnalysesSummary,
  type Analysis,
  type AnalysisCapture,
  type AnalysisLimits,
  type AnalysisSummary,
  type AnalyzeOptions,
  analysesSchema,
  analysisSchema,
  analyzeCapture,
  FINDING_KINDS,
  mergeAnalyses,
} from "./diagnose/index.ts";
// exchange: requests and responses with phases that tile their duration (`wirewhy exchanges`)
export * from "./exchange/index.ts";
// host and probe: `wirewhy host` (listeners, accept queues, states, kernel counters) and
// `wirewhy probe URL` (phase timings, the kernel's socket view, failures as findings)
export { HostError } from "./host/host-error.ts";
export { hostReport } from "./host/host-report.ts";
export type { HostOptions, HostReport, Listener } from "./host/types.ts";
// lab: `wirewhy lab`: scenarios that make a known cause happen for real and check the verdict
export { LabError } from "./lab/lab-error.ts";
export { LABS } from "./lab/registry.ts";
export { infoOf as labInfo, type LabResult, type LabRunOptions, runLab } from "./lab/run-lab.ts";
export type { Lab, LabCheck, LabInfo } from "./lab/types.ts";
export {
  compareFindings,
  type Finding,
  type FindingEvidence,
  LAYERS,
  type Layer,
  type Severity,
} from "./model/finding.ts";
// The library's strings are the capture's own (untrusted): what the reports print them through.
export {
  markdownCode,
  markdownText,
  PRINTABLE_MAX_CHARS,
  printable,
} from "./model/printable-text.ts";
export type {
  ProbeCaptureAnalysis,
  ProbeCaptureAnalyzer,
  ProbeCaptureInput,
  ProbeCaptureReport,
} from "./probe/capture-analysis.ts";
export { analyzeProbeCapture } from "./probe/capture-analysis.ts";
export { ProbeError } from "./probe/probe-error.ts";
export { probeUrl } from "./probe/run-probe.ts";
export { parseProbeTarget } from "./probe/target.ts";
export type {
  KernelSocketView,
  PhaseStats,
  ProbeFailure,
  ProbeOptions,
  ProbePhases,
  ProbeResult,
  ProbeRun,
  ProbeSummary,
  ProbeVerdict,
  TlsInfo,
} from "./probe/types.ts";
// report: the renderers the CLI prints with
export { renderAnalysisMarkdown } from "./report/analysis-markdown.ts";
export { renderAnalysisText } from "./report/analysis-text.ts";
// tcp: connections, Wireshark-compatible analysis flags, RTT, vantage, resets (`wirewhy conns`)
export {
  ANALYSIS_FLAG_NAMES,
  AnalysisFlag,
  type AnalysisFlagName,
  type AnalyzeConnectionsOptions,
  analysisFlagNames,
  analyzeConnections,
  type ConnectionSummary,
  type ConnectionsAnalysis,
  type ConnectionsResult,
  type ConnState,
  connectionsForMemory,
  createTcpAnalyzer,
  DEFAULT_MAX_MEMORY_MB,
  type DirectionSummary,
  type HandshakeSummary,
  type ResetKind,
  type RstEvidence,
  type RttSummary,
  TcpAnalyzer,
  type TcpAnalyzerOptions,
  type TcpLimits,
  type Vantage,
  type VantageKind,
} from "./tcp/index.ts";
