/**
 * slow-response-body (server-app): the server paused in the middle of its response while nothing
 * stopped it from sending: everything it had sent was acknowledged and the client's receive window
 * was open (RFC 9293 §3.8.6: a sender may send whenever the window allows). The pause is the
 * server application producing the body slowly (a slow query streamed row by row, an upstream
 * read, a flush per chunk). Measured by sender-idle.ts: each gap of at least SENDER_IDLE_MIN_MS
 * inside an HTTP response or a generic turn's (a line in, a stream out), the capture point's round
 * trip to the server taken out, gaps from SENDER_IDLE_CHARGE_MIN_MS counted once one reaches the
 * minimum. Cost: their sum (at most the response phase).
 */
import { msText, plural } from "../ms-text.ts";
import type { FindingKind } from "../rule.ts";
import { PACED_STREAM, senderIdleRule } from "../sender-idle.ts";

export { PACED_STREAM };

export const SLOW_RESPONSE_BODY = "slow-response-body";

export const slowResponseBodyKind: FindingKind = {
  kind: SLOW_RESPONSE_BODY,
  vantageDependent: true,
  costSeverityCap: "warning",
  confidence: 0.75,
  describe(group) {
    return {
      title: `Slow response body: the server paused ${plural(group.count, "time")} mid-response, ${msText(group.costMs)} in all`,
      explanation: `In the middle of its response the server stopped sending although everything it had sent was acknowledged and the client's window was open (longest pause ${msText(group.fact("worstMs"))}, between frames ${group.first.frames.join(" and ")}). TCP would have sent at once: the server application had not produced the next bytes yet.`,
      advice:
        "Profile how the server produces the body: streamed database cursors, upstream calls per chunk, template rendering, or a flush per small write; buffer or precompute the response, or stream from a faster source.",
    };
  },
};

export const slowResponseBodyRule = senderIdleRule(1, SLOW_RESPONSE_BODY);

/**
 * paced-stream (the pacing side's app, info): the same pauses inside a turn of a protocol wirewhy
 * cannot read (a line in, a stream out). A feed, a log tail, pub/sub or server-sent events pace
 * themselves by design and a capture cannot tell them from an answer produced slowly, so the time
 * is charged to the side that paced it but is no fault: information, like a client's think time.
 */
export const pacedStreamKind: FindingKind = {
  kind: PACED_STREAM,
  vantageDependent: true,
  costSeverityCap: "info",
  confidence: 0.6,
  describe(group) {
    const who = group.layer === "client-app" ? "client" : "server";
    return {
      title: `The ${who} paced its stream: it paused ${plural(group.count, "time")} mid-message, ${msText(group.costMs)} in all`,
      explanation: `In a protocol wirewhy cannot read, the ${who} sent its turn in pieces, pausing although everything it had sent was acknowledged and the peer's window was open (longest pause ${msText(group.fact("worstMs"))}, between frames ${group.first.frames.join(" and ")}). TCP would have sent at once: the ${who} application wrote the next bytes later. A stream or subscription (a feed, a log tail, pub/sub, server-sent events) does this by design, so this is charged to the ${who} app but not called slow.`,
      advice:
        "If the turn is a stream, its duration is the sender's pace, not a fault: measure per message instead. If it is an answer meant to come in one piece, profile how the sender produces it (a query streamed row by row, an upstream call per chunk, a flush per small write).",
    };
  },
};
