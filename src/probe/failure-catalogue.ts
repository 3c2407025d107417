/**
 * Every way a probe run can fail, as data: which error codes in which phase mean what, which layer
 * is charged, and what to tell the user. Entries are tried in order; the first whose phase and code
 * match wins (an explicit precedence list, not control flow). docs/probe.md lists the same kinds.
 */
import type { Layer } from "../model/finding.ts";
import type { ProbeFailure, ProbePhaseId } from "./types.ts";

export interface FailureContext {
  /** "host:port" as the user asked for it. */
  endpoint: string;
  /** The address tried or connected to, when known. */
  address: string | null;
  dnsServer: string | null;
  hostname: string;
}

interface FailureEntry {
  kind: string;
  layer: Layer;
  phases: readonly ProbePhaseId[];
  /** Error codes this entry covers; a function for families of codes. */
  codes: readonly string[] | ((code: string) => boolean);
  confidence: number;
  title: (f: ProbeFailure, c: FailureContext) => string;
  explanation: (f: ProbeFailure, c: FailureContext) => string;
  advice: string;
}

const UNTRUSTED_CODES = [
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED",
];

const resolver = (c: FailureContext) =>
  c.dnsServer ? `the DNS server ${c.dnsServer}` : "the system resolver";
const ms = (f: ProbeFailure) => `${f.afterMs.toFixed(1)} ms`;
const when = (f: ProbeFailure) =>
  f.phase === "tls"
    ? "during the TLS handshake"
    : f.phase === "send"
      ? "while the request was being sent"
      : f.phase === "wait"
        ? "after the request was sent, before any response byte"
        : f.phase === "download"
          ? "in the middle of the response"
          : "right after the TCP handshake";

export const FAILURE_CATALOGUE: readonly FailureEntry[] = [
  {
    kind: "dns-nxdomain",
    layer: "dns",
    phases: ["dns"],
    codes: ["ENOTFOUND"],
    confidence: 0.95,
    title: (_f, c) => `The name ${c.hostname} does not exist (NXDOMAIN)`,
    explanation: (_f, c) =>
      `${resolver(c)} answered that ${c.hostname} does not exist (DNS rcode 3, NXDOMAIN, RFC 1035 §4.1.1)${c.dnsServer ? "" : "; the system resolver reports a name with no address records the same way"}. No connection was attempted.`,
    advice:
      "Check the spelling of the host and the DNS zone (dig NAME). If the name was just created, a negative answer may be cached for the zone's SOA minimum TTL (RFC 2308).",
  },
  {
    kind: "dns-servfail",
    layer: "dns",
    phases: ["dns"],
    codes: ["ESERVFAIL"],
    confidence: 0.95,
    title: (_f, c) => `DNS server failure (SERVFAIL) resolving ${c.hostname}`,
    explanation: (_f, c) =>
      `${resolver(c)} answered SERVFAIL (rcode 2): it could not get an answer from the authoritative servers, or DNSSEC validation failed.`,
    advice:
      "Query the authoritative servers directly (dig +trace NAME); check DNSSEC (dig +cd NAME works while dig NAME fails means validation) and the resolver's logs.",
  },
  {
    kind: "dns-timeout",
    layer: "dns",
    phases: ["dns"],
    codes: ["ETIMEOUT", "ETIMEDOUT"],
    confidence: 0.9,
    title: (f, c) => `No DNS answer for ${c.hostname} within ${ms(f)}`,
    explanation: (f, c) =>
      `${resolver(c)} did not answer within ${ms(f)}: the query or the answer was lost, or the server is down or filtered.`,
    advice:
      "Check that the resolver in /etc/resolv.conf (or --dns-server) is reachable on UDP port 53 and answering (dig @SERVER NAME).",
  },
  {
    kind: "dns-temporary-failure",
    layer: "dns",
    phases: ["dns"],
    codes: ["EAI_AGAIN"],
    confidence: 0.8,
    title: (_f, c) => `Temporary DNS failure resolving ${c.hostname}`,
    explanation: (_f, c) =>
      `getaddrinfo returned EAI_AGAIN for ${c.hostname}: the resolver answered SERVFAIL or did not answer at all (getaddrinfo does not tell which).`,
    advice:
      "Run again with --dns-server ADDR to ask one server directly: it tells SERVFAIL from silence.",
  },
  {
    kind: "dns-no-address",
    layer: "dns",
    phases: ["dns"],
    codes: ["ENODATA"],
    confidence: 0.9,
    title: (_f, c) => `${c.hostname} has no address record of the family asked for`,
    explanation: (_f, c) =>
      `The name ${c.hostname} exists, but ${resolver(c)} returned no A/AAAA record (NODATA) for the address family requested.`,
    advice: "Add the A or AAAA record, or probe the other family (-4 / -6).",
  },
  {
    kind: "dns-refused",
    layer: "dns",
    phases: ["dns"],
    codes: ["EREFUSED", "ECONNREFUSED"],
    confidence: 0.9,
    title: (_f, c) => `${resolver(c)} refused the query`,
    explanation: (f, c) =>
      f.code === "ECONNREFUSED"
        ? `Nothing listens on ${resolver(c)}'s port: the query drew an ICMP port unreachable.`
        : `${resolver(c)} answered REFUSED (rcode 5): it does not serve this client or this zone.`,
    advice: "Use a resolver that serves this client (check its ACLs and /etc/resolv.conf).",
  },
  {
    kind: "dns-failed",
    layer: "dns",
    phases: ["dns"],
    codes: () => true,
    confidence: 0.6,
    title: (f, c) => `Resolving ${c.hostname} failed (${f.code})`,
    explanation: (f) => `The resolver reported ${f.code}: ${f.message}.`,
    advice: "Check the resolver configuration and try --dns-server ADDR.",
  },
  {
    kind: "connection-refused",
    layer: "server-os",
    phases: ["connect"],
    codes: ["ECONNREFUSED"],
    confidence: 0.9,
    title: (_f, c) => `Nothing is listening on ${c.address ?? c.endpoint}`,
    explanation: (f, c) =>
      `The SYN to ${c.address ?? c.endpoint} was answered with a RST after ${ms(f)}: the server's kernel has no socket listening on that port (or a firewall rejects with a reset).`,
    advice:
      "Start the service or fix the port; on the server, `ss -ltn` lists the listeners (`wirewhy host` shows them with their processes).",
  },
  {
    kind: "connect-timeout",
    layer: "network",
    phases: ["connect"],
    codes: ["ETIMEDOUT"],
    confidence: 0.8,
    title: (f, c) => `No answer to the SYN from ${c.address ?? c.endpoint} within ${ms(f)}`,
    explanation: (f, c) =>
      `The kernel sent the SYN (and retried it) but nothing came back from ${c.address ?? c.endpoint} in ${ms(f)}: a firewall drops the packets silently, the host is down, or the route is broken. A full accept queue on the server drops SYNs too, but only while it stays full.`,
    advice:
      "Check firewalls/security groups for the port and the route (traceroute -T -p PORT); on the server, `wirewhy host --watch 10` shows ListenOverflows if the accept queue is the cause.",
  },
  {
    kind: "host-unreachable",
    layer: "network",
    phases: ["connect"],
    codes: ["EHOSTUNREACH", "ENETUNREACH"],
    confidence: 0.9,
    title: (_f, c) => `${c.address ?? c.endpoint} is unreachable`,
    explanation: (f) =>
      `The connection failed with ${f.code}: a router (ICMP unreachable) or this host's routing table says there is no path.`,
    advice: "Check routes (ip route get ADDR) and the path (traceroute).",
  },
  {
    kind: "local-address-unavailable",
    layer: "client-os",
    phases: ["connect"],
    codes: ["EADDRNOTAVAIL"],
    confidence: 0.7,
    title: () => "No local port or address available for a new connection",
    explanation: () =>
      "connect() failed with EADDRNOTAVAIL: every local port of net.ipv4.ip_local_port_range is in use towards this destination (often by TIME_WAIT sockets), or the source address is gone.",
    advice:
      "Reuse connections (keep-alive, pooling), widen net.ipv4.ip_local_port_range, or check `wirewhy host` for TIME_WAIT counts.",
  },
  {
    kind: "connection-reset",
    layer: "server-os",
    phases: ["connect"],
    codes: ["ECONNRESET"],
    confidence: 0.7,
    title: (f, c) => `${c.address ?? c.endpoint} reset the connection ${when(f)}`,
    explanation: (f, c) =>
      `A TCP RST arrived from ${c.address ?? c.endpoint} ${ms(f)} into the connect phase.`,
    advice: "Check the server's listener and any firewall in between.",
  },
  {
    kind: "connect-failed",
    layer: "network",
    phases: ["connect"],
    codes: () => true,
    confidence: 0.5,
    title: (f, c) => `Connecting to ${c.address ?? c.endpoint} failed (${f.code})`,
    explanation: (f) => `connect() reported ${f.code}: ${f.message}.`,
    advice: "Check the route and firewalls towards the server.",
  },
  {
    kind: "tls-certificate-expired",
    layer: "server-app",
    phases: ["tls"],
    codes: ["CERT_HAS_EXPIRED"],
    confidence: 0.95,
    title: () => "The server's TLS certificate has expired",
    explanation: (f) => `Certificate verification failed: ${f.message}.`,
    advice: "Renew the certificate on the server (and automate renewal).",
  },
  {
    kind: "tls-certificate-not-yet-valid",
    layer: "server-app",
    phases: ["tls"],
    codes: ["CERT_NOT_YET_VALID"],
    confidence: 0.8,
    title: () => "The server's TLS certificate is not valid yet",
    explanation: (f) =>
      `Certificate verification failed: ${f.message}. Either the certificate was issued for a later date, or this machine's clock is behind.`,
    advice: "Check this machine's clock (timedatectl) and the certificate's notBefore date.",
  },
  {
    kind: "tls-certificate-wrong-name",
    layer: "server-app",
    phases: ["tls"],
    codes: ["ERR_TLS_CERT_ALTNAME_INVALID"],
    confidence: 0.95,
    title: (_f, c) => `The server's TLS certificate is not for ${c.hostname}`,
    explanation: (f) => `The certificate's names do not include the host asked for: ${f.message}.`,
    advice:
      "Serve a certificate whose subjectAltName lists this host (or use the name it was issued for); check which certificate the server picks for this SNI.",
  },
  {
    kind: "tls-certificate-untrusted",
    layer: "server-app",
    phases: ["tls"],
    codes: UNTRUSTED_CODES,
    confidence: 0.9,
    title: (f) =>
      f.code === "DEPTH_ZERO_SELF_SIGNED_CERT" || f.code === "SELF_SIGNED_CERT_IN_CHAIN"
        ? "The server's TLS certificate is self-signed (unknown CA)"
        : "The server's TLS certificate is signed by an unknown CA",
    explanation: (f) =>
      `The certificate chain does not lead to a trusted CA (${f.code}: ${f.message}). Either the server sends an incomplete chain (missing intermediate), or it uses a private CA this client does not trust.`,
    advice:
      "Send the full chain from the server; for a private CA, trust it with --cacert FILE (probe anyway with --insecure).",
  },
  {
    kind: "tls-certificate-invalid",
    layer: "server-app",
    phases: ["tls"],
    codes: (code) => code.startsWith("CERT_") || code.startsWith("ERR_TLS_CERT"),
    confidence: 0.8,
    title: (f) => `The server's TLS certificate was rejected (${f.code})`,
    explanation: (f) => `Certificate verification failed: ${f.message}.`,
    advice: "Inspect the chain with `openssl s_client -connect HOST:PORT -showcerts`.",
  },
  {
    kind: "tls-timeout",
    layer: "server-app",
    phases: ["tls"],
    codes: ["ETIMEDOUT"],
    confidence: 0.6,
    title: (f) => `The TLS handshake did not finish within ${ms(f)}`,
    explanation: (f) =>
      `The TCP connection was up, but the server did not complete the handshake in ${ms(f)}: it may not speak TLS on this port (a plain-HTTP server waits for a request), or it is overloaded.`,
    advice: "Check that the port serves TLS (try http:// instead) and the server's load.",
  },
  {
    kind: "connection-reset",
    layer: "server-app",
    phases: ["tls", "send", "wait", "download"],
    codes: ["ECONNRESET"],
    confidence: 0.75,
    title: (f, c) => `${c.address ?? c.endpoint} reset the connection ${when(f)}`,
    explanation: (f, c) =>
      `A TCP RST arrived on the connection to ${c.address ?? c.endpoint} ${when(f)}, ${ms(f)} into that phase. A server application aborts like this when it closes a socket with unread data or with SO_LINGER 0 (RFC 2525 §2.17), or crashes; a middlebox (load balancer, IPS) can also send it. Without a capture the RST's sender cannot be told apart (--capture records it).`,
    advice:
      "Check the server's logs at that moment; rerun with --capture to see the RST's TTL (a middlebox's RST usually carries a different one).",
  },
  {
    kind: "connection-closed",
    layer: "server-app",
    phases: ["tls", "send", "wait", "download"],
    codes: ["ECLOSED"],
    confidence: 0.75,
    title: (f) => `The server closed the connection ${when(f)}`,
    explanation: (f, c) =>
      `${c.address ?? c.endpoint} sent a FIN ${when(f)} (${ms(f)} into that phase) without completing the response: the server application closed the connection (a crash, a request it refused, or an idle keep-alive timeout).`,
    advice:
      "Check the server's logs and its keep-alive timeout; a pooled client must retry idempotent requests when a reused connection is closed.",
  },
  {
    kind: "tls-handshake-failed",
    layer: "server-app",
    phases: ["tls"],
    codes: () => true,
    confidence: 0.7,
    title: (f) => `The TLS handshake failed (${f.code})`,
    explanation: (f) =>
      `The handshake was aborted: ${f.message}. A TLS alert from the server usually means no shared protocol version, cipher suite or ALPN protocol.`,
    advice: "Compare the server's TLS configuration (`openssl s_client -connect HOST:PORT`).",
  },
  {
    kind: "request-send-timeout",
    layer: "server-app",
    phases: ["send"],
    codes: ["ETIMEDOUT"],
    confidence: 0.6,
    title: (f) => `The request could not be sent within ${ms(f)}`,
    explanation: () =>
      "The kernel did not take the request: the server is not reading (its receive window is closed).",
    advice: "Check why the server application is not reading its sockets.",
  },
  {
    kind: "response-timeout",
    layer: "server-app",
    phases: ["wait"],
    codes: ["ETIMEDOUT"],
    confidence: 0.75,
    title: (f) => `No response byte within ${ms(f)} of sending the request`,
    explanation: (f) =>
      `The request was sent and the connection stayed up, but no response byte arrived in ${ms(f)}: the server application is still working on it or is stuck.`,
    advice: "Look at the server application: slow queries, locks, exhausted worker pools.",
  },
  {
    kind: "download-timeout",
    layer: "server-app",
    phases: ["download"],
    codes: ["ETIMEDOUT"],
    confidence: 0.5,
    title: (f) => `The response stopped arriving for ${ms(f)}`,
    explanation: () =>
      "The response started, then no further byte arrived within the phase timeout: the server stopped producing the body, or the path lost everything (the kernel's retransmit count tells).",
    advice:
      "Check the server's body production (streaming, upstreams) and the kernel view's retransmits.",
  },
  {
    kind: "http2-stream-reset",
    layer: "server-app",
    phases: ["send", "wait", "download"],
    codes: (code) => code.startsWith("H2_RST_STREAM"),
    confidence: 0.8,
    title: () => "The server reset the HTTP/2 stream",
    explanation: (f) => `${f.message} (RFC 9113 §6.4).`,
    advice:
      "Check the server's logs for the request; error code 7 (REFUSED_STREAM) is safe to retry.",
  },
  {
    kind: "http-server-error",
    layer: "server-app",
    phases: ["http"],
    codes: (code) => code.startsWith("HTTP_5"),
    confidence: 0.95,
    title: (f) => `The server answered ${f.code.slice(5)}`,
    explanation: (f) =>
      `The request reached the server application, which answered ${f.code.slice(5)} (a 5xx status: the server failed, RFC 9110 §15.6). ${f.code === "HTTP_503" ? "503 means unavailable: overloaded, in maintenance, or a proxy with no healthy upstream." : f.code === "HTTP_502" || f.code === "HTTP_504" ? "502/504 come from a proxy or gateway whose upstream failed or timed out." : ""}`.trim(),
    advice: "Read the server application's logs for this request; check its upstreams.",
  },
  {
    kind: "request-failed",
    layer: "server-app",
    phases: ["send", "wait", "download", "http"],
    codes: () => true,
    confidence: 0.5,
    title: (f) => `The request failed (${f.code})`,
    explanation: (f) => `${f.message}.`,
    advice: "Rerun with --capture to see what happened on the wire.",
  },
];

export function classifyFailure(
  phase: ProbePhaseId,
  code: string,
  message: string,
  afterMs: number,
): ProbeFailure {
  const entry = findEntry(phase, code);
  return { phase, kind: entry.kind, layer: entry.layer, code, message, afterMs };
}

export function findEntry(phase: ProbePhaseId, code: string): FailureEntry {
  for (const entry of FAILURE_CATALOGUE) {
    if (!entry.phases.includes(phase)) continue;
    const matches =
      typeof entry.codes === "function" ? entry.codes(code) : entry.codes.includes(code);
    if (matches) return entry;
  }
  // Every phase has a catch-all entry above; this is for a phase added without one.
  return FAILURE_CATALOGUE[FAILURE_CATALOGUE.length - 1];
}
