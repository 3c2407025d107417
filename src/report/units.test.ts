import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCount } from "./units.ts";

test("formatCount groups whole numbers as en-US does, without ICU", () => {
  const intl = new Intl.NumberFormat("en-US");
  const values = [0, 7, 12, 999, 1000, 4196, 24003, 100000, 804704, 1011266336, -1, -1234567];
  for (const n of values) assert.equal(formatCount(n), intl.format(n), String(n));
  assert.equal(formatCount(1011266336), "1,011,266,336");
  assert.equal(formatCount(Number.MAX_SAFE_INTEGER), "9,007,199,254,740,991");
  // Fractions still go through Intl (three fraction digits at most).
  assert.equal(formatCount(1234.5678), "1,234.568");
});
