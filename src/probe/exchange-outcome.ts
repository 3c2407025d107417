/**
 * The result of one HTTP request on an open connection, with the moments (performance.now(), ms)
 * that bound its phases: send (request start → request handed to the kernel), wait (→ first
 * response byte), download (→ last byte). A failure names the phase it happened in.
 */

export interface ExchangeMoments {
  startAt: number;
  sentAt: number | null;
  firstByteAt: number | null;
  endAt: number | null;
}

export type ExchangeOutcome =
  | {
      ok: true;
      moments: ExchangeMoments;
      status: number;
      httpVersion: "1.1" | "2";
      responseBytes: number;
      /** The server asked to close the connection after this response. */
      closing: boolean;
    }
  | {
      ok: false;
      moments: ExchangeMoments;
      phase: "send" | "wait" | "download";
      /** ECONNRESET (a TCP RST arrived), ECLOSED (the server closed without finishing), ETIMEDOUT, ... */
      code: string;
      message: string;
      status: number | null;
      httpVersion: "1.1" | "2";
      responseBytes: number;
      failedAt: number;
    };

/** The phase a request is in, from its moments so far. */
export function currentPhase(m: ExchangeMoments): "send" | "wait" | "download" {
  if (m.sentAt === null) return "send";
  if (m.firstByteAt === null) return "wait";
  return "download";
}
