/** FlagCounts objects: each count under its FLAG_COUNT_KEYS name, in that order (the JSON's). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyFlagCounts, FLAG_COUNT_KEYS, flagCountsOf } from "./types.ts";

test("flagCountsOf names each count by FLAG_COUNT_KEYS, in that order", () => {
  const values = FLAG_COUNT_KEYS.map((_, i) => 10 + i);
  const counts = flagCountsOf(values);
  assert.deepEqual(Object.keys(counts), [...FLAG_COUNT_KEYS]);
  FLAG_COUNT_KEYS.forEach((key, i) => {
    assert.equal(counts[key], 10 + i, key);
  });
  assert.deepEqual(
    Object.entries(emptyFlagCounts()),
    FLAG_COUNT_KEYS.map((key) => [key, 0]),
  );
});
