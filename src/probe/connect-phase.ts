/**
 * The TCP connect phase: one handshake per resolved address, in order, each bounded by the phase
 * timeout, until one succeeds. Attempts run one after another, not raced as Happy Eyeballs
 * (RFC 8305) would, so the time each address cost is measured on its own and reported.
 */
import { Socket } from "node:net";
import type { ResolvedAddress } from "./resolve-phase.ts";
import type { AddressAttempt } from "./types.ts";

export type ConnectOutcome =
  | { ok: true; socket: Socket; attempts: AddressAttempt[]; address: ResolvedAddress }
  | { ok: false; attempts: AddressAttempt[]; code: string; message: string };

export async function connectFirst(
  addresses: ResolvedAddress[],
  port: number,
  timeoutMs: number,
): Promise<ConnectOutcome> {
  const attempts: AddressAttempt[] = [];
  let lastCode = "ENOADDR";
  let lastMessage = "no address to connect to";
  for (const address of addresses) {
    const started = performance.now();
    const result = await connectOne(address, port, timeoutMs);
    const ms = performance.now() - started;
    if (result.socket) {
      attempts.push({ address: address.address, family: address.family, outcome: "connected", ms });
      return { ok: true, socket: result.socket, attempts, address };
    }
    attempts.push({
      address: address.address,
      family: address.family,
      outcome: outcomeOf(result.code),
      code: result.code,
      ms,
    });
    lastCode = result.code;
    lastMessage = result.message;
  }
  return { ok: false, attempts, code: lastCode, message: lastMessage };
}

function outcomeOf(code: string): AddressAttempt["outcome"] {
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ETIMEDOUT") return "timeout";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "unreachable";
  return "error";
}

function connectOne(
  address: ResolvedAddress,
  port: number,
  timeoutMs: number,
): Promise<{ socket?: Socket; code: string; message: string }> {
  return new Promise((resolve) => {
    const socket = new Socket();
    // Nagle would hold a request written in two pieces for the ACK of the first (RFC 896).
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({
        code: "ETIMEDOUT",
        message: `no answer to the SYN from ${address.address} port ${port} within ${timeoutMs} ms`,
      });
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      // Later phases listen for errors on their own objects; this keeps a reset that arrives
      // between phases from becoming an uncaught exception.
      socket.on("error", ignoreError);
      resolve({ socket, code: "", message: "" });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ code: error.code ?? "ECONNECT", message: error.message });
    });
    socket.connect({ host: address.address, port, family: address.family });
  });
}

function ignoreError(): void {}
