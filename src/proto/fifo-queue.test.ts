import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FifoQueue } from "./fifo-queue.ts";

describe("FifoQueue", () => {
  it("returns entries first in, first out, and undefined when empty", () => {
    const q = new FifoQueue<number>();
    assert.equal(q.shift(), undefined);
    assert.equal(q.peek(), undefined);
    for (let i = 0; i < 5; i++) q.push(i);
    assert.equal(q.length, 5);
    assert.equal(q.peek(), 0);
    assert.deepEqual([q.shift(), q.shift()], [0, 1]);
    q.push(5);
    const rest: number[] = [];
    for (let x = q.shift(); x !== undefined; x = q.shift()) rest.push(x);
    assert.deepEqual(rest, [2, 3, 4, 5]);
    assert.equal(q.length, 0);
  });

  it("holds slots for what is live, not for everything that went through it", () => {
    // 1,000,000 entries through a queue that is never empty (8 outstanding, as a pipelining
    // client keeps): the array never holds more than the live ones plus the cut-off margin.
    const q = new FifoQueue<number>();
    let next = 0;
    let expected = 0;
    let maxCapacity = 0;
    for (let i = 0; i < 8; i++) q.push(next++);
    for (let i = 0; i < 1_000_000; i++) {
      assert.equal(q.shift(), expected++);
      q.push(next++);
      if (q.capacity > maxCapacity) maxCapacity = q.capacity;
    }
    assert.equal(q.length, 8);
    assert.ok(maxCapacity <= 2 * 1024 + 8, `capacity reached ${maxCapacity}`);
  });

  it("keeps a deep backlog in order while it drains", () => {
    const q = new FifoQueue<number>();
    for (let i = 0; i < 100_000; i++) q.push(i);
    for (let i = 0; i < 60_000; i++) assert.equal(q.shift(), i);
    assert.ok(q.capacity <= 2 * q.length, `capacity ${q.capacity} for ${q.length} live`);
    for (let i = 100_000; i < 100_010; i++) q.push(i);
    for (let i = 60_000; i < 100_010; i++) assert.equal(q.shift(), i);
    assert.equal(q.length, 0);
    assert.equal(q.capacity, 0);
  });
});
