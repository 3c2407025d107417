import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatIp } from "./ip-text.ts";

function v6(text: string): Uint8Array {
  // Expands a full 8-group address (no "::") into bytes.
  const groups = text.split(":").map((g) => Number.parseInt(g, 16));
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

describe("formatIp", () => {
  it("IPv4 dotted decimal at an offset", () => {
    assert.equal(formatIp(new Uint8Array([9, 10, 9, 1, 255]), 1, 4), "10.9.1.255");
  });

  for (const [full, text] of [
    ["0:0:0:0:0:0:0:1", "::1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["fd09:1:0:0:0:0:0:1", "fd09:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // RFC 5952 §4.2.3: the first of equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // §4.2.2: one zero group stays
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"], // §4.2.3: the longest run
    ["2001:DB8:0:0:0:0:0:AB", "2001:db8::ab"], // §4.3: lower case
    ["fe80:0:0:0:aff:fe09:101:0", "fe80::aff:fe09:101:0"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1"], // §5: IPv4-mapped
  ] as const) {
    it(`IPv6 ${full} → ${text}`, () => {
      assert.equal(formatIp(v6(full), 0, 6), text);
    });
  }

  it("agrees with the WHATWG URL serializer (RFC 5952 compression) on 2000 random addresses", () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      // Mostly zero groups, so runs of every length and position occur.
      const groups = Array.from({ length: 8 }, () => (random() % 3 === 0 ? random() % 0x10000 : 0));
      if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) continue;
      const full = groups.map((g) => g.toString(16)).join(":");
      const expected = new URL(`http://[${full}]/`).hostname.slice(1, -1);
      assert.equal(formatIp(v6(full), 0, 6), expected, full);
    }
  });

  it("returns ? for an address outside the bytes or version 0", () => {
    assert.equal(formatIp(new Uint8Array(3), 0, 4), "?");
    assert.equal(formatIp(new Uint8Array(20), 8, 6), "?");
    assert.equal(formatIp(new Uint8Array(20), -1, 4), "?");
    assert.equal(formatIp(new Uint8Array(20), 0, 0), "?");
  });
});
