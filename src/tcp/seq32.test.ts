import assert from "node:assert/strict";
import { test } from "node:test";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from "./seq32.ts";

test("comparisons wrap at 2^32", () => {
  assert.equal(seqLt(0xffff_fff0, 0x10), true);
  assert.equal(seqGt(0x10, 0xffff_fff0), true);
  assert.equal(seqLe(5, 5), true);
  assert.equal(seqGe(5, 6), false);
  assert.equal(seqDiff(0xffff_fff0, 0x10), 0x20);
  assert.equal(seqDiff(0x10, 0xffff_fff0), -0x20);
  assert.equal(seqAdd(0xffff_ffff, 2), 1);
  assert.equal(seqAdd(1, -2), 0xffff_ffff);
  assert.equal(seqMax(0xffff_fff0, 0x10), 0x10);
  assert.equal(seqMin(0xffff_fff0, 0x10), 0xffff_fff0);
});
