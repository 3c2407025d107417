/**
 * A live tcpdump for one lab. It runs with `-U --immediate-mode` (without immediate mode the kernel
 * buffers packets for the capture and a short capture that is stopped loses them) and writes a
 * pcap file. The lab starts its traffic only after tcpdump says "listening on" on stderr: before
 * that, packets are not yet captured.
 */

import { LabProcess } from "./lab-process.ts";
import { isRoot } from "./netns.ts";
import type { Teardown } from "./teardown.ts";

/** How long tcpdump may take to open the interface before the lab gives up. */
const LISTENING_TIMEOUT_MS = 5000;
/**
 * Wait after the last traffic before stopping, so that packets still in flight (the final ACKs of
 * a close, a delayed RST) reach the capture.
 */
const SETTLE_MS = 150;
/** Seconds tcpdump may outlive its lab's time limit before `timeout` ends it. */
const LIMIT_MARGIN_SEC = 5;

export interface CaptureOptions {
  netns: string | undefined;
  device: string;
  /** A BPF filter, e.g. "tcp port 8080". */
  filter: string;
  /** Bytes kept of each packet: enough for the headers the analysis reads. */
  snapLenBytes: number;
  path: string;
  /** tcpdump ends by itself after this long, even if the lab's process was killed. */
  maxMs: number;
  /**
   * The kernel's capture buffer (tcpdump -B), when the default 2 MiB would drop packets: a
   * recording at loopback speed (the bench) needs more.
   */
  bufferKiB?: number;
}

export interface CaptureStats {
  packetsCaptured: number;
  packetsDroppedByKernel: number;
}

export class TcpdumpCapture {
  private constructor(private readonly process: LabProcess) {}

  static async start(teardown: Teardown, options: CaptureOptions): Promise<TcpdumpCapture> {
    const args = [
      "-i",
      options.device,
      "-U",
      "--immediate-mode",
      "-n",
      "-s",
      String(options.snapLenBytes),
      "-w",
      options.path,
    ];
    if (options.bufferKiB !== undefined) args.push("-B", String(options.bufferKiB));
    // As root, tcpdump would drop to the "tcpdump" user before opening the file (Debian's -Z
    // default) and could not write where the lab asked.
    if (isRoot()) args.push("-Z", "root");
    args.push(options.filter);
    // Under coreutils' timeout, which passes our SIGINT on to tcpdump and ends it at the limit
    // even when nobody is left to stop it (a lab killed with SIGKILL).
    const limitSec = String(Math.ceil(options.maxMs / 1000) + LIMIT_MARGIN_SEC);
    const proc = new LabProcess(teardown, "tcpdump", options.netns, "timeout", [
      "--kill-after=2",
      limitSec,
      "tcpdump",
      ...args,
    ]);
    await new Promise<void>((resolve, reject) => {
      let heard = "";
      const timer = setTimeout(() => {
        proc.killNow();
        reject(new Error(`tcpdump did not start listening within ${LISTENING_TIMEOUT_MS} ms`));
      }, LISTENING_TIMEOUT_MS);
      proc.onStderr((text) => {
        heard += text;
        if (heard.includes("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`tcpdump could not start: ${proc.describeFailure()}`));
      });
    });
    return new TcpdumpCapture(proc);
  }

  /** Lets the last packets arrive, stops tcpdump (SIGINT makes it flush and print its counts). */
  async stop(): Promise<CaptureStats> {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await this.process.stop(2000, "SIGINT");
    const stderr = this.process.stderr;
    return {
      packetsCaptured: countBefore(stderr, "packets captured"),
      packetsDroppedByKernel: countBefore(stderr, "packets dropped by kernel"),
    };
  }
}

function countBefore(text: string, phrase: string): number {
  const match = new RegExp(`(\\d+) ${phrase}`).exec(text);
  return match ? Number(match[1]) : 0;
}
