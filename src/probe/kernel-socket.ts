/**
 * The kernel's own view of the probe's socket: TCP_INFO as `ss -tin` (iproute2) prints it, for the
 * connection with the probe's local and remote ports. Read after each request, before the socket
 * is closed. Field meanings are those of struct tcp_info (include/uapi/linux/tcp.h) as ss names
 * them: rtt:SRTT/RTTVAR, minrtt, retrans:UNACKED/TOTAL, bytes_retrans, cwnd, delivery_rate, rto.
 */
import { execFile } from "node:child_process";
import { ProbeError } from "./probe-error.ts";
import type { KernelSocketView } from "./types.ts";

/** ss answers in a few ms; a hung ss must not hang the probe. */
const SS_TIMEOUT_MS = 3000;

export function readKernelSocket(
  localPort: number,
  remotePort: number,
): Promise<KernelSocketView | null> {
  return new Promise((resolve, reject) => {
    execFile(
      "ss",
      [
        "-tinH",
        "state",
        "all",
        "sport",
        "=",
        `:${localPort}`,
        "and",
        "dport",
        "=",
        `:${remotePort}`,
      ],
      { timeout: SS_TIMEOUT_MS, encoding: "utf8" },
      (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
          reject(
            new ProbeError(
              "WW_ERR_MISSING_TOOL",
              "ss (iproute2) is not installed: install iproute2, or probe with --no-kernel",
            ),
          );
          return;
        }
        resolve(error ? null : parseSsTcpInfo(stdout));
      },
    );
  });
}

const RATE_UNITS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Parses the first socket in `ss -tin` output; null when there is none. */
export function parseSsTcpInfo(text: string): KernelSocketView | null {
  const lines = text.split("\n");
  let info: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 0 && !/^\s/.test(line) && !line.startsWith("State")) {
      // The info line follows its socket line, indented.
      const next = lines[i + 1];
      if (next !== undefined && /^\s/.test(next)) info = next.trim();
      else if (line.includes("rtt:")) info = line.trim();
      break;
    }
  }
  if (info === undefined) return null;
  const tokens = info.split(/\s+/);
  const keyed = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const colon = token.indexOf(":");
    if (colon > 0) keyed.set(token.slice(0, colon), token.slice(colon + 1));
    else if (RATE_KEYS.has(token) && i + 1 < tokens.length) keyed.set(token, tokens[++i]);
  }
  const num = (key: string): number | null => {
    const value = keyed.get(key);
    if (value === undefined) return null;
    const n = Number.parseFloat(value);
    return Number.isFinite(n) ? n : null;
  };
  const [srtt, rttvar] = (keyed.get("rtt") ?? "").split("/");
  const [outstanding, total] = (keyed.get("retrans") ?? "0/0").split("/");
  const first = tokens[0] ?? "";
  return {
    rttMs: finiteOrNull(srtt),
    rttVarMs: finiteOrNull(rttvar),
    minRttMs: num("minrtt"),
    retransmits: finiteOrNull(total) ?? 0,
    retransmitsOutstanding: finiteOrNull(outstanding) ?? 0,
    bytesRetransmitted: num("bytes_retrans"),
    cwndSegments: num("cwnd"),
    deliveryRateBitsPerSec: parseRate(keyed.get("delivery_rate")),
    rtoMs: num("rto"),
    mssBytes: num("mss"),
    congestionControl: /^[a-z][a-z0-9_]*$/.test(first) ? first : null,
    raw: info,
  };
}

const RATE_KEYS = new Set(["send", "pacing_rate", "delivery_rate"]);

function parseRate(text: string | undefined): number | null {
  if (text === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)bps$/.exec(text);
  return match ? Number(match[1]) * RATE_UNITS[match[2]] : null;
}

function finiteOrNull(text: string | undefined): number | null {
  if (text === undefined || text === "") return null;
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : null;
}
