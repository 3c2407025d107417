/**
 * The verdict in one or two sentences: how many requests were slow or failed, which layer the
 * excess went to, and the main finding ("3 of 20 requests were slow; 91% of the excess was the
 * server app: …"). Quiet when nothing is wrong.
 */
import type { Finding, Layer } from "../model/finding.ts";
import { msText, plural } from "./ms-text.ts";

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
  /**
   * Failed exchanges a reset cut, and the ones whose connection closed without their answer: the
   * cause the headline names when no error finding names one.
   */
  resetExchanges?: number;
  unansweredExchanges?: number;
  /** Importance order. */
  findings: readonly Finding[];
}

export function headline(input: HeadlineInput): string {
  const errors = input.findings.filter((f) => f.severity === "error");
  const warnings = input.findings.filter((f) => f.severity === "warning");
  const requests = input.exchanges + input.failedConnections;
  if (errors.length === 0 && warnings.length === 0 && input.failures === 0) {
    if (input.exchanges === 0) return "No problem found: no requests in this capture";
    return `No problem found: ${plural(input.exchanges, "request")}, all healthy`;
  }
  const parts: string[] = [];
  const failure = errors[0];
  if (input.failures > 0 || failure !== undefined) {
    let part =
      input.failures > 0
        ? `${input.failures} of ${plural(requests, "request")} failed`
        : `${plural(requests, "request")}, with errors`;
    if (failure !== undefined)
      part += ` (${layerWords(failure.layer)}: ${lowerFirst(failure.title)})`;
    else part += ` (${outcomeWords(input)})`;
    parts.push(part);
  }
  const slow = warnings[0];
  if (slow !== undefined) {
    let part =
      input.slowExchanges === 0
        ? parts.length > 0
          ? ""
          : `No request was slow on its own, but ${plural(requests, "request")} lost ${msText(warningsCostMs(warnings))} together`
        : parts.length > 0
          ? `${input.slowExchanges} ${wereOrWas(input.slowExchanges)} slow`
          : `${input.slowExchanges} of ${plural(requests, "request")} ${wereOrWas(input.slowExchanges)} slow`;
    let excessMs = 0;
    let layerMs = 0;
    for (const finding of warnings) {
      excessMs += finding.costMs;
      if (finding.layer === slow.layer) layerMs += finding.costMs;
    }
    const share = excessMs > 0 ? Math.round((100 * layerMs) / excessMs) : 100;
    const excess = `${share}% of ${input.slowExchanges === 0 && parts.length === 0 ? "that" : "the excess"} was ${layerWords(slow.layer)}: ${lowerFirst(slow.title)}`;
    part = part === "" ? excess : `${part}; ${excess}`;
    parts.push(part);
  }
  const text = parts.join("; ");
  return text[0]!.toUpperCase() + text.slice(1);
}

function warningsCostMs(warnings: readonly Finding[]): number {
  let ms = 0;
  for (const finding of warnings) ms += finding.costMs;
  return ms;
}

/** Why exchanges failed when no error finding says: how they ended. */
function outcomeWords(input: HeadlineInput): string {
  const reset = input.resetExchanges ?? 0;
  const unanswered = input.unansweredExchanges ?? 0;
  const words: string[] = [];
  if (reset > 0) words.push(`${plural(reset, "request")} cut by a reset`);
  if (unanswered > 0) words.push(`${plural(unanswered, "connection")} closed before the answer`);
  if (words.length === 0) words.push("the connection ended before the answer");
  return words.join(", ");
}

function wereOrWas(count: number): string {
  return count === 1 ? "was" : "were";
}

/** "Slow DNS: …" → "slow DNS: …", but "HTTP 500 …" and "DNS …" keep their capitals. */
function lowerFirst(text: string): string {
  if (text.length < 2 || text[1] !== text[1]!.toLowerCase()) return text;
  return text[0]!.toLowerCase() + text.slice(1);
}
