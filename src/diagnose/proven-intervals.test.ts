import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Exchange, Phase } from "../exchange/types.ts";
import { LAYERS, type Layer } from "../model/finding.ts";
import { prng } from "../testing/prng.ts";
import { INTERVALS_PER_CONNECTION, ProvenIntervals } from "./proven-intervals.ts";
import { rechargeExchange } from "./recharge-phases.ts";

function phase(name: Phase["name"], startMs: number, durationMs: number): Phase {
  return {
    name,
    startMs,
    durationMs,
    layer: "network",
    charges: { network: durationMs },
    frames: [],
  };
}

function exchangeOf(phases: Phase[]): Exchange {
  return { phases } as unknown as Exchange;
}

describe("proven intervals on a long connection", () => {
  it("keeps the latest intervals, a bounded number, and skips those that ended before", () => {
    const intervals = new ProvenIntervals();
    // 100,000 stalls, one per request of a long session, alternating causes so none merge.
    for (let i = 0; i < 100_000; i++) {
      const kind = i % 2 === 0 ? "slow-response-body" : "nagle-delayed-ack";
      intervals.add(7, i * 10, i * 10 + 5, "server-app", kind, "response");
    }
    const set = intervals.intervalsOf(7)!;
    assert.equal(set.length, INTERVALS_PER_CONNECTION);
    assert.ok(set.list.length < 2 * INTERVALS_PER_CONNECTION, `${set.list.length} slots held`);
    const live = intervals.of(7)!;
    assert.equal(live[live.length - 1]!.startMs, 999_990, "the latest is kept");
    assert.equal(live[0]!.startMs, (100_000 - INTERVALS_PER_CONNECTION) * 10);
    // An exchange at the end of the session starts its scan at its own interval.
    const at = set.firstEndingAfter(999_990);
    assert.equal(set.list[at]!.startMs, 999_990);
    assert.equal(set.firstEndingAfter(2_000_000), set.list.length);
  });

  it("re-charges exactly as a scan of every interval would, merges and retractions included", () => {
    const rand = prng(17);
    for (let round = 0; round < 200; round++) {
      const intervals = new ProvenIntervals();
      let t = 0;
      for (let i = 0; i < 40; i++) {
        t += rand() * 20;
        const start = t - rand() * 60;
        const end = t + rand() * 10;
        const layer = LAYERS[Math.floor(rand() * LAYERS.length)] as Layer;
        const kind = rand() < 0.5 ? "a" : "b";
        intervals.add(1, start, end, layer, kind, rand() < 0.3 ? "wait" : undefined);
        if (rand() < 0.1) intervals.retract(1, start, end, kind);
      }
      const set = intervals.intervalsOf(1)!;
      const from = rand() * t;
      const shape = (): Phase[] => [
        phase("connect", from, 5 + rand() * 10),
        phase("wait", from + 15, rand() * 40),
      ];
      const phasesA = shape();
      const a = exchangeOf(phasesA.map((p) => ({ ...p, charges: { ...p.charges } })));
      const b = exchangeOf(phasesA.map((p) => ({ ...p, charges: { ...p.charges } })));
      rechargeExchange(a, intervals.of(1)!);
      rechargeExchange(b, set.list, set.firstEndingAfter(from));
      assert.deepEqual(b.phases, a.phases, `round ${round}`);
    }
  });
});
