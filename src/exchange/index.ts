/**
 * The exchange stage's public API: one pass over a capture that turns connections into
 * exchanges (requests and their responses with phases charged to layers).
 *
 *   const result = await runPass(file, { observers: [{ onExchange: (x) => … }] });
 */
export { DNS_LINK_WINDOW_MS } from "./dns-links.ts";
export { type PassOptions, type PassResult, runPass } from "./pass.ts";
export type * from "./types.ts";
