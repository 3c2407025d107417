/** Everything the proto stage reports, one discriminated union (`protocol`, then `kind`). */
import type { DnsTransaction } from "./dns/dns-transaction.ts";
import type { HttpMessage } from "./http1/http1-message.ts";
import type { Http2ConnectionMessage, Http2StreamMessage } from "./http2/http2-message.ts";
import type { TlsSessionMessage } from "./tls/tls-message.ts";
import type { TurnMessage } from "./turns/turn-message.ts";

export type ProtoMessage =
  | HttpMessage
  | Http2StreamMessage
  | Http2ConnectionMessage
  | TlsSessionMessage
  | TurnMessage
  | DnsTransaction;
