/**
 * The verdict in one or two sentences: how many requests were slow or failed, which layer the
 * excess went to, and the main finding ("3 of 20 requests were slow; 91% of the excess was the
 * server app: …"). Quiet when nothing is wrong.
 */
import type { Finding, Layer } from "../model/finding.ts";
import { plural } from "./ms-text.ts";

const LAYER_WORDS: Record<Layer, string> = {
  "client-app": "the client app",
  "client-os": "the client OS",
  dns: "DNS",
  network: "the network",
  "server-os": "the server OS",
  "server-app": "the server app",
};

export function layerWords(layer: Layer): string {
  return LAYER_WORDS[layer];
}

export interface HeadlineInput {
  exchanges: number;
  slowExchanges: number;
  /** Failed exchanges plus connections that never opened. */
  failures: number;
  /** Connections that never opened (counted in failures, not in exchanges). */
  failedConnections: number;
  /** Importance order. */
  findings: readonly Finding[];
}

export function headline(input: HeadlineInput): string {
  const severe = input.findings.filter((f) => f.severity !== "info");
  const requests = input.exchanges + input.failedConnections;
  if (severe.length === 0 && input.failures === 0) {
    if (input.exchanges === 0) return "No problem found: no requests in this capture";
    return `No problem found: ${plural(input.exchanges, "request")}, all healthy`;
  }
  const main = severe[0] ?? input.findings[0];
  const parts: string[] = [];
  if (input.failures > 0) parts.push(`${input.failures} of ${plural(requests, "request")} failed`);
  if (input.slowExchanges > 0) {
    parts.push(
      input.failures > 0
        ? `${input.slowExchanges} were slow`
        : `${input.slowExchanges} of ${plural(requests, "request")} were slow`,
    );
  }
  let sentence = parts.length > 0 ? parts.join(" and ") : "Problems found";
  if (main === undefined) return sentence;
  let excessMs = 0;
  let mainLayerMs = 0;
  for (const finding of severe) {
    excessMs += finding.costMs;
    if (finding.layer === main.layer) mainLayerMs += finding.costMs;
  }
  if (excessMs > 0 && main.costMs > 0) {
    const share = Math.round((100 * mainLayerMs) / excessMs);
    sentence += `; ${share}% of the excess was ${layerWords(main.layer)}: ${lowerFirst(main.title)}`;
  } else {
    sentence += `; ${layerWords(main.layer)}: ${lowerFirst(main.title)}`;
  }
  return sentence;
}

/** "Slow DNS: …" → "slow DNS: …", but "HTTP 500 …" and "DNS …" keep their capitals. */
function lowerFirst(text: string): string {
  if (text.length < 2 || text[1] !== text[1]!.toLowerCase()) return text;
  return text[0]!.toLowerCase() + text.slice(1);
}
