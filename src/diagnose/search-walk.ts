/**
 * Search-list walks, from a client's DNS exchanges in the order they complete. A stub resolver
 * given a name with fewer dots than resolv.conf's `ndots` tries it with each `search` domain
 * appended before the name itself (resolv.conf(5); glibc res_search, musl and Go alike), and one
 * that got no answer for the name as it is may try the suffixed names after it. Each suffixed
 * name the DNS does not know comes back NXDOMAIN; the lookup waits for every one.
 *
 * A walk: NXDOMAIN answers for NAME.SUFFIX (one or more labels appended to NAME), asked by one
 * client, each asked within WALK_GAP_MS of the answer before it, and then NAME itself answered
 * without error (NOERROR) within WALK_GAP_MS of the last of them. The dns-search-walk rule reports
 * the walks; dns-failure and slow-dns each run their own SearchWalks so that the NXDOMAINs of a
 * walk are not also failures or slow lookups of their own (every instance judges the same
 * exchanges the same way).
 */
import type { Exchange } from "../exchange/types.ts";

/**
 * A stub resolver sends the next candidate as soon as the previous answer arrives: between them
 * is the client's own processing, well under a millisecond. 200 ms leaves room for a loaded
 * client and none for a person or an app choosing another name to try.
 */
export const WALK_GAP_MS = 200;
/** NXDOMAIN lookups waiting per client for a name that resolves; older ones are misses. */
const PENDING_PER_CLIENT = 32;
/** Clients with NXDOMAIN lookups waiting; past it, the longest-waiting client's are misses. */
const PENDING_CLIENTS = 4096;
/** RFC 1035 §4.1.1 RCODE 3 "Name Error". */
const NXDOMAIN = 3;

export interface WalkStep {
  exchange: Exchange;
  /** Lower case, no trailing dot. */
  name: string;
  queryMs: number;
  answerMs: number;
}

export interface SearchWalk {
  /** The client's address (without its port). */
  client: string;
  /** The name that resolved, as the client asked it. */
  name: string;
  /** The NXDOMAIN lookups before it, in the order they were asked. */
  misses: WalkStep[];
  /** The lookup that resolved. */
  resolved: Exchange;
  /** The first miss's query → the resolving lookup's query: what the walk added. */
  costMs: number;
}

export class SearchWalks {
  private readonly pending = new Map<string, WalkStep[]>();

  constructor(
    /** Each walk, when the name resolves. */
    private readonly onWalk: (walk: SearchWalk) => void,
    /** Each NXDOMAIN lookup found to be no part of a walk, once that is known. */
    private readonly onMiss: (exchange: Exchange) => void,
  ) {}

  /** Takes every DNS exchange (others are ignored); NXDOMAIN ones wait to be judged. */
  add(exchange: Exchange): void {
    if (exchange.protocol !== "dns" || exchange.response === null) return;
    const client = addressOf(exchange.client);
    const step: WalkStep = {
      exchange,
      name: normalName(exchange.request.target),
      queryMs: exchange.startMs,
      answerMs: exchange.startMs + exchange.durationMs,
    };
    let steps = this.pending.get(client);
    // A chain broken by silence: nothing waiting can be part of a walk any more.
    if (steps !== undefined && step.queryMs - lastAnswerMs(steps) > WALK_GAP_MS) {
      this.flush(client, steps);
      steps = undefined;
    }
    const status = exchange.response.status;
    if (status === NXDOMAIN) {
      if (steps === undefined) {
        if (this.pending.size >= PENDING_CLIENTS) {
          const [oldest, oldSteps] = this.pending.entries().next().value!;
          this.flush(oldest, oldSteps);
        }
        steps = [];
        this.pending.set(client, steps);
      } else if (steps.length >= PENDING_PER_CLIENT) {
        this.onMiss(steps.shift()!.exchange);
      }
      steps.push(step);
      return;
    }
    if (status !== 0 || steps === undefined) return;
    const prefix = `${step.name}.`;
    const misses: WalkStep[] = [];
    const others: WalkStep[] = [];
    for (const s of steps) {
      if (s.name.startsWith(prefix) && s.queryMs <= step.queryMs) misses.push(s);
      else others.push(s);
    }
    if (misses.length === 0) return;
    misses.sort((a, b) => a.queryMs - b.queryMs);
    // The walk is the unbroken run of misses that leads up to the name's own query.
    let first = misses.length;
    let nextQueryMs = step.queryMs;
    while (first > 0 && nextQueryMs - misses[first - 1]!.answerMs <= WALK_GAP_MS) {
      first--;
      nextQueryMs = Math.min(nextQueryMs, misses[first]!.queryMs);
    }
    for (let i = 0; i < first; i++) this.onMiss(misses[i]!.exchange);
    if (others.length > 0) this.pending.set(client, others);
    else this.pending.delete(client);
    if (first === misses.length) return;
    const walk = misses.slice(first);
    this.onWalk({
      client,
      name: exchange.request.target,
      misses: walk,
      resolved: exchange,
      costMs: step.queryMs - walk[0]!.queryMs,
    });
  }

  /** The capture is over: whatever still waits was no walk. */
  finish(): void {
    for (const [client, steps] of this.pending) this.flush(client, steps);
  }

  private flush(client: string, steps: WalkStep[]): void {
    this.pending.delete(client);
    for (const s of steps) this.onMiss(s.exchange);
  }
}

/** "192.0.2.1 53" → "192.0.2.1" (the exchange stage's "address port"). */
function addressOf(endpoint: string): string {
  const space = endpoint.lastIndexOf(" ");
  return space < 0 ? endpoint : endpoint.slice(0, space);
}

function normalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

function lastAnswerMs(steps: readonly WalkStep[]): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const s of steps) if (s.answerMs > last) last = s.answerMs;
  return last;
}
