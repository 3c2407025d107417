import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMac } from "./format-mac.ts";

describe("formatMac", () => {
  it("lower-case hex pairs with leading zeros", () => {
    const bytes = new Uint8Array([0xff, 0x02, 0x00, 0x0a, 0x09, 0x01, 0xab]);
    assert.equal(formatMac(bytes, 1), "02:00:0a:09:01:ab");
  });

  it("returns ? when the address is not inside the bytes", () => {
    assert.equal(formatMac(new Uint8Array(5), 0), "?");
    assert.equal(formatMac(new Uint8Array(12), -1), "?");
  });
});
