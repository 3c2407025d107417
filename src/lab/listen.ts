/**
 * Starts a server listening on a port the kernel picks (port 0), so that labs never collide with
 * each other or with anything else on the machine, and reports the port chosen.
 */
import type { Server } from "node:net";

export interface ListenOptions {
  host: string;
  /** The listen(2) backlog: the accept-queue length (the kernel caps it at net.core.somaxconn). */
  backlog?: number;
}

export function listenOnFreePort(server: Server, options: ListenOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: 0, backlog: options.backlog ?? 511 }, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("the server has no TCP address"));
        return;
      }
      resolve(address.port);
    });
  });
}

/** Resolves never: a server role that stays up until its lab ends it. */
export function forever(): Promise<never> {
  return new Promise(() => {});
}
