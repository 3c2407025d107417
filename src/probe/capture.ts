/**
 * Records the probe's own packets: tcpdump -U --immediate-mode -w FILE (without immediate mode a
 * short capture loses the packets still in tcpdump's buffer when it stops, DESIGN.md), with a BPF
 * filter on the probe's ports: the server's TCP port and, when a name is resolved, the DNS port.
 * The probe's local ports are not known before each connect, so the filter names the server's
 * port and the analysis selects the probe's connections by local port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { ProbeError } from "./probe-error.ts";

/** tcpdump prints "listening on ..." once its filter is attached; it needs well under a second. */
const CAPTURE_START_TIMEOUT_MS = 5000;
/** After the last close, the FIN/ACK exchange takes one RTT; wait this long so it is recorded. */
export const CAPTURE_LINGER_MS = 200;
/** tcpdump flushes and exits at once on SIGINT; kill it if it does not within this. */
const CAPTURE_STOP_TIMEOUT_MS = 5000;

export interface CaptureCounts {
  packetsCaptured: number | null;
  packetsReceivedByFilter: number | null;
  packetsDroppedByKernel: number | null;
}

export function captureFilter(serverPort: number, dnsPort: number | null): string {
  return dnsPort === null
    ? `tcp port ${serverPort}`
    : `tcp port ${serverPort} or udp port ${dnsPort}`;
}

export class ProbeCapture {
  private stderr = "";
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
    readonly iface: string,
    readonly filter: string,
  ) {
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", () => resolve(null));
    });
  }

  static async start(file: string, iface: string, filter: string): Promise<ProbeCapture> {
    const args = ["-U", "--immediate-mode", "-n", "-i", iface, "-w", file];
    // As root tcpdump drops to its own user before writing; keep root so it can write anywhere.
    if (process.getuid?.() === 0) args.push("-Z", "root");
    args.push(filter);
    const child = spawn("tcpdump", args, { stdio: ["ignore", "ignore", "pipe"] });
    const capture = new ProbeCapture(child, file, iface, filter);
    const ready = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(
        () => resolve("tcpdump did not start listening in time"),
        CAPTURE_START_TIMEOUT_MS,
      );
      const check = () => {
        if (capture.stderr.includes("listening on")) {
          clearTimeout(timer);
          resolve(null);
        }
      };
      child.stderr?.on("data", check);
      child.once("error", (error) => {
        clearTimeout(timer);
        resolve(error.message);
      });
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(capture.stderr.trim().split("\n").at(-1) ?? "tcpdump exited");
      });
    });
    if (ready !== null) {
      child.kill("SIGKILL");
      throw new ProbeError("WW_ERR_CAPTURE_FAILED", `cannot capture on ${iface}: ${ready}`);
    }
    return capture;
  }

  async stop(): Promise<CaptureCounts> {
    await new Promise((resolve) => setTimeout(resolve, CAPTURE_LINGER_MS));
    this.child.kill("SIGINT");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), CAPTURE_STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
    const count = (pattern: RegExp): number | null => {
      const match = pattern.exec(this.stderr);
      return match ? Number(match[1]) : null;
    };
    return {
      packetsCaptured: count(/(\d+) packets? captured/),
      packetsReceivedByFilter: count(/(\d+) packets? received by filter/),
      packetsDroppedByKernel: count(/(\d+) packets? dropped by kernel/),
    };
  }
}
