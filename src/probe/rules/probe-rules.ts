/** Every probe rule, in the order their findings are produced (then sorted by compareFindings). */
import { addressFallbackRule } from "./address-fallback.ts";
import { failuresRule } from "./failures.ts";
import { httpClientErrorRule } from "./http-client-error.ts";
import { kernelRetransmitsRule } from "./kernel-retransmits.ts";
import type { ProbeRule } from "./probe-rule.ts";
import { serverThinkTimeRule } from "./server-think-time.ts";
import { slowDnsRule } from "./slow-dns.ts";
import { slowDownloadRule } from "./slow-download.ts";
import { slowTlsHandshakeRule } from "./slow-tls-handshake.ts";
import { synRetransmittedRule } from "./syn-retransmitted.ts";

export const PROBE_RULES: readonly ProbeRule[] = [
  failuresRule,
  httpClientErrorRule,
  addressFallbackRule,
  synRetransmittedRule,
  kernelRetransmitsRule,
  slowDnsRule,
  slowTlsHandshakeRule,
  serverThinkTimeRule,
  slowDownloadRule,
];
