import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_INTERVALS, TimeUnion } from "./time-union.ts";

describe("TimeUnion", () => {
  it("counts overlapping waits once and disjoint ones apart", () => {
    const u = new TimeUnion();
    u.add(0, 50_000);
    u.add(10_000, 60_000);
    u.add(70_000, 71_000);
    u.add(5_000, 6_000);
    assert.equal(u.lengthMs, 61_000);
  });

  it("joins intervals that an added one bridges", () => {
    const u = new TimeUnion();
    u.add(0, 1);
    u.add(2, 3);
    u.add(4, 5);
    u.add(0.5, 4.5);
    assert.equal(u.lengthMs, 5);
  });

  it("ignores empty and reversed intervals", () => {
    const u = new TimeUnion();
    u.add(5, 5);
    u.add(9, 3);
    assert.equal(u.lengthMs, 0);
  });

  it("stays bounded, only overstating the union", () => {
    const u = new TimeUnion();
    for (let i = 0; i < MAX_INTERVALS * 4; i++) u.add(i * 10, i * 10 + 1);
    const exact = MAX_INTERVALS * 4;
    assert.ok(u.lengthMs >= exact, `${u.lengthMs} >= ${exact}`);
    assert.ok(u.lengthMs <= MAX_INTERVALS * 4 * 10, "never beyond the whole span");
  });
});
