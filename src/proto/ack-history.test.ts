import assert from "node:assert/strict";
import { test } from "node:test";
import { ACK_HISTORY_CAPACITY, AckHistory, type AckPoint } from "./ack-history.ts";

const point = (): AckPoint => ({ frame: 0, timeMs: 0, ackOffsetBytes: 0 });

test("AckHistory answers the first ACK covering a byte while it grows to its capacity", () => {
  const h = new AckHistory();
  const out = point();
  assert.equal(h.covering(1, out), false);
  // ACK i (frame 10 + i, at i/2 ms) acknowledges bytes before 100 * (i + 1).
  for (let i = 0; i < 100; i++) h.add(100 * (i + 1), 10 + i, i / 2);
  h.add(100, 999, 999); // not an advance: ignored
  assert.equal(h.lastOffsetBytes, 10_000);
  assert.equal(h.covering(1, out), true);
  assert.deepEqual(out, { frame: 10, timeMs: 0, ackOffsetBytes: 100 });
  assert.equal(h.covering(801, out), true);
  assert.deepEqual(out, { frame: 18, timeMs: 4, ackOffsetBytes: 900 });
  assert.equal(h.covering(900, out), true);
  assert.equal(out.frame, 18);
  assert.equal(h.covering(10_000, out), true);
  assert.equal(out.frame, 109);
  assert.equal(h.covering(10_001, out), false);
});

test("AckHistory forgets the oldest advances past its capacity rather than answer wrongly", () => {
  const h = new AckHistory();
  const out = point();
  const n = ACK_HISTORY_CAPACITY + 40;
  for (let i = 0; i < n; i++) h.add(10 * (i + 1), i + 1, i);
  // The ring keeps advances 41..296 (offsets 410..2960); 410 covers bytes before it only because
  // the earlier advances were evicted.
  assert.equal(h.covering(10, out), false);
  assert.equal(h.covering(410, out), false);
  assert.equal(h.covering(411, out), true);
  assert.deepEqual(out, { frame: 42, timeMs: 41, ackOffsetBytes: 420 });
  assert.equal(h.covering(10 * n, out), true);
  assert.equal(out.frame, n);
});
