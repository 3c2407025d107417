/** One DNS lookup as the tracker reports it: the query, its retries, and the response. */

export interface DnsTransaction {
  protocol: "dns";
  kind: "transaction";
  transport: "udp" | "tcp";
  /** "address port" of the client, and of the server that answered (else the first one asked). */
  client: string;
  server: string;
  id: number;
  qname: string;
  qtype: number;
  qtypeName: string;
  /** First query. */
  queryFrame: number;
  queryTimeMs: number;
  /** Queries re-sent with the same ID and name (to the same or another server). */
  retries: number;
  /** Frames of the re-sent queries and the time since the previous query (first 16). */
  retryFrames: number[];
  retryIntervalsMs: number[];
  /** Distinct servers asked. */
  serversAsked: number;
  answered: boolean;
  responseFrame: number;
  responseTimeMs: number;
  /** Response time minus the first query's time: what the client waited. */
  latencyMs: number;
  /**
   * Response time minus the first query sent to the server that answered (what tshark's dns.time
   * reports, per conversation).
   */
  serverLatencyMs: number;
  rcode: number;
  rcodeName: string;
  truncated: boolean;
  answerCount: number;
  addresses: string[];
  cnames: string[];
  /** Further responses with the same ID after the first (duplicates, or late answers to retries). */
  extraResponses: number;
  /**
   * Unanswered, never retried, and the capture ended before the client's first retry could be
   * due: the lookup was still in progress, not failed. The time from its query to the end of the
   * capture; absent otherwise.
   */
  pendingAtCaptureEndMs?: number;
}
