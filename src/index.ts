/**
 * wirewhy's public API. The CLI uses nothing that is not exported here.
 */

// capture: reading pcap / pcapng, plain or gzip, files or standard input
export { detectFormat, readCapture } from "./capture/index.ts";
export { linkTypeName } from "./capture/linktypes.ts";
export type {
  CaptureFormat,
  CaptureInterface,
  CaptureMeta,
  CaptureSection,
  CaptureWarning,
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
  formatIp,
  formatMac,
  tcpFlagsString,
} from "./decode/index.ts";
export type { DecodeStop, PacketView } from "./decode/types.ts";
export { TcpFlag } from "./decode/types.ts";
