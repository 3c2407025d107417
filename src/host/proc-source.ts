/**
 * Where the host's files and `ss` are read: this process's own network namespace, or a named one
 * (--netns NAME). /proc/net and the net.* sysctls are per network namespace and show the namespace
 * of the process that reads them, so in a named namespace one `ip netns exec NAME sh` reads every
 * file of a sample at once (one process per sample), and ss runs there too.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { HostError } from "./host-error.ts";

/** ss and a shell reading a few /proc files answer in milliseconds. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Enough for /proc/net/tcp of a host with a million sockets (150 bytes a line). */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
const MARK = "\u0000wirewhy-file ";

export interface ProcSource {
  readonly netns: string | null;
  /** Missing or unreadable files come back absent. */
  readFiles(paths: string[]): Promise<Map<string, string>>;
  ss(args: string[]): Promise<string>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: "utf8", timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT") {
            reject(
              new HostError(
                "WW_ERR_MISSING_TOOL",
                `${command === "ss" || args.includes("ss") ? "ss (iproute2)" : command} is not installed: install iproute2`,
              ),
            );
          } else {
            reject(
              new HostError(
                "WW_ERR_HOST_READ",
                `${command} failed: ${stderr.trim() || error.message}`,
              ),
            );
          }
          return;
        }
        resolve(stdout);
      },
    );
  });
}

export function localSource(): ProcSource {
  return {
    netns: null,
    async readFiles(paths) {
      const out = new Map<string, string>();
      for (const path of paths) {
        try {
          out.set(path, await readFile(path, "utf8"));
        } catch {
          // absent: e.g. /proc/net/tcp6 without IPv6
        }
      }
      return out;
    },
    ss: (args) => run("ss", args),
  };
}

const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function netnsSource(name: string): ProcSource {
  if (!NETNS_NAME.test(name) || name === "." || name === "..") {
    throw new HostError("WW_ERR_BAD_OPTION", `--netns: "${name}" is not a network namespace name`);
  }
  if (process.getuid?.() !== 0) {
    throw new HostError(
      "WW_ERR_NEEDS_ROOT",
      "--netns needs root (ip netns exec enters the namespace)",
    );
  }
  if (!existsSync(`/run/netns/${name}`)) {
    throw new HostError(
      "WW_ERR_NO_SUCH_NETNS",
      `no network namespace "${name}" (ip netns list shows them)`,
    );
  }
  return {
    netns: name,
    async readFiles(paths) {
      // The paths are arguments of the script, never part of it.
      const script = `for f in "$@"; do if [ -r "$f" ]; then printf '${MARK.replace("\u0000", "\\000")}%s\\n' "$f"; cat "$f"; fi; done`;
      const text = await run("ip", ["netns", "exec", name, "sh", "-c", script, "sh", ...paths]);
      const out = new Map<string, string>();
      const parts = text.split(MARK);
      for (const part of parts.slice(1)) {
        const newline = part.indexOf("\n");
        out.set(part.slice(0, newline), part.slice(newline + 1));
      }
      return out;
    },
    ss: (args) => run("ip", ["netns", "exec", name, "ss", ...args]),
  };
}
