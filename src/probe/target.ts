/**
 * The probe's target, parsed from the URL the user typed. Only http: and https: are probed; a
 * bare "host:port" or "host/path" is read as http:// (as curl does). IPv6 literals keep their
 * brackets in `authority` (the Host header, RFC 9110 §7.2) and lose them in `hostname`.
 */
import { isIP } from "node:net";
import { ProbeError } from "./probe-error.ts";

export interface ProbeTarget {
  /** The URL as normalised by WHATWG URL parsing. */
  url: string;
  scheme: "http" | "https";
  /** Name or address to resolve/connect to, without IPv6 brackets. */
  hostname: string;
  /** 0 for a name, 4 or 6 for an address literal (no DNS phase then). */
  hostIpFamily: 0 | 4 | 6;
  port: number;
  /** Path and query, as sent in the request line. */
  path: string;
  /** host[:port] as sent in Host / :authority. */
  authority: string;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

export function parseProbeTarget(text: string): ProbeTarget {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new ProbeError("WW_ERR_BAD_URL", "no URL given");
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProbeError("WW_ERR_BAD_URL", `cannot parse "${text}" as a URL`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== "http" && scheme !== "https") {
    throw new ProbeError(
      "WW_ERR_UNSUPPORTED_SCHEME",
      `unsupported scheme "${scheme}:" in "${text}": wirewhy probe speaks http: and https:`,
    );
  }
  if (url.hostname.length === 0) {
    throw new ProbeError("WW_ERR_BAD_URL", `no host in "${text}"`);
  }
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const family = isIP(hostname);
  const port = url.port === "" ? DEFAULT_PORT[scheme] : Number(url.port);
  return {
    url: url.href,
    scheme,
    hostname,
    hostIpFamily: family === 4 ? 4 : family === 6 ? 6 : 0,
    port,
    path: `${url.pathname}${url.search}`,
    authority: url.host,
  };
}
