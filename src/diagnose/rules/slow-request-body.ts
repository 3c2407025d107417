/**
 * slow-request-body (client-app): the client paused in the middle of its request (an upload)
 * while nothing stopped it: its data was all acknowledged and the server's window open (RFC 9293
 * §3.8.6). The client application produced the body slowly (reading a file or a stream it relays,
 * a generator, a slow user). Measured by sender-idle.ts: each gap of at least SENDER_IDLE_MIN_MS
 * inside an HTTP request or a generic turn's, the capture point's round trip to the client taken
 * out, gaps from SENDER_IDLE_CHARGE_MIN_MS counted once one reaches the minimum. Cost: their sum
 * (at most the request phase).
 */
import { msText, plural } from "../ms-text.ts";
import type { FindingKind } from "../rule.ts";
import { senderIdleRule } from "../sender-idle.ts";

export const SLOW_REQUEST_BODY = "slow-request-body";

export const slowRequestBodyKind: FindingKind = {
  kind: SLOW_REQUEST_BODY,
  vantageDependent: true,
  costSeverityCap: "warning",
  confidence: 0.7,
  describe(group) {
    return {
      title: `Slow request body: the client paused ${plural(group.count, "time")} mid-request, ${msText(group.costMs)} in all`,
      explanation: `In the middle of its request the client stopped sending although the server had acknowledged everything and its window was open (longest pause ${msText(group.fact("worstMs"))}, between frames ${group.first.frames.join(" and ")}). TCP would have sent at once: the client application had not produced the next bytes.`,
      advice:
        "Look at how the client produces the upload: reading from a slow disk or an upstream stream, per-chunk processing, small unbuffered writes; buffer the body or send it from a faster source. Servers should bound the time they wait for a request body.",
    };
  },
};

export const slowRequestBodyRule = senderIdleRule(0, SLOW_REQUEST_BODY);
