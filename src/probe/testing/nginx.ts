/**
 * A private nginx for tests: its own config, pid, logs and temp paths in a temp dir, listening on
 * free loopback ports, run in the foreground as the test's child, stopped by stop().
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForListener } from "./free-port.ts";

export interface NginxOptions {
  /** Files to serve: path under the root → content. */
  files?: Record<string, string | Buffer>;
  /** Also listen with TLS (and HTTP/2) on a second port with this certificate. */
  tls?: { certFile: string; keyFile: string };
  /** Extra directives inside server {} (e.g. limit_rate). */
  serverDirectives?: string;
}

export interface RunningNginx {
  port: number;
  tlsPort: number | null;
  dir: string;
  stop(): Promise<void>;
}

export async function startNginx(options: NginxOptions = {}): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-nginx-"));
  const root = join(dir, "www");
  mkdirSync(root);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(root, name), content);
  }
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : null;
  const tlsServer = options.tls
    ? `
    server {
      listen 127.0.0.1:${tlsPort} ssl http2;
      ssl_certificate ${options.tls.certFile};
      ssl_certificate_key ${options.tls.keyFile};
      root ${root};
      location = /hello { return 200 "hello\\n"; }
      ${options.serverDirectives ?? ""}
    }`
    : "";
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/octet-stream;
  keepalive_requests 10000;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location = /hello { return 200 "hello\\n"; }
    location = /unavailable { return 503 "down\\n"; }
    ${options.serverDirectives ?? ""}
  }${tlsServer}
}
`;
  writeFileSync(join(dir, "nginx.conf"), config);
  const child: ChildProcess = spawn(
    "nginx",
    ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForListener("127.0.0.1", port);
    if (tlsPort !== null) await waitForListener("127.0.0.1", tlsPort);
  } catch (error) {
    await stop();
    throw new Error(`nginx did not start: ${stderr.trim()} (${(error as Error).message})`);
  }
  return { port, tlsPort, dir, stop };
}
