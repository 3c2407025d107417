/**
 * http-client-error (client-app): the server answered 4xx: the request itself was refused (wrong
 * path, missing credentials, method), RFC 9110 §15.5.
 */
import type { Finding } from "../../model/finding.ts";
import { type ProbeRule, runList } from "./probe-rule.ts";

export const httpClientErrorRule: ProbeRule = {
  kind: "http-client-error",
  evaluate(runs, context): Finding | null {
    const hit = runs.filter((r) => r.status !== null && r.status >= 400 && r.status < 500);
    if (hit.length === 0) return null;
    const statuses = [...new Set(hit.map((r) => r.status))].join(", ");
    return {
      kind: "http-client-error",
      layer: "client-app",
      severity: "warning",
      costMs: 0,
      title: `The server answered ${statuses}`,
      explanation: `The request reached the server application, which refused it with ${statuses} (a 4xx status: the request is at fault, RFC 9110 §15.5): a wrong path, missing credentials, or a method the resource does not allow.`,
      advice: "Check the URL, the credentials and the method.",
      confidence: 0.9,
      count: hit.length,
      endpoint: context.endpoint,
      evidence: { frames: [], facts: { runs: runList(hit), statuses } },
    };
  },
};
