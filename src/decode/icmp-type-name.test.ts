import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { icmpTypeName } from "./icmp-type-name.ts";

describe("icmpTypeName", () => {
  it("ICMP types with their codes", () => {
    assert.equal(icmpTypeName(4, 3, 3), "port unreachable");
    assert.equal(icmpTypeName(4, 3, 4), "fragmentation needed");
    assert.equal(icmpTypeName(4, 11, 0), "time exceeded in transit");
    assert.equal(icmpTypeName(4, 8, 0), "echo request");
    assert.equal(icmpTypeName(4, 5, 1), "redirect for host");
    assert.equal(icmpTypeName(4, 3, 99), "type 3 code 99");
    assert.equal(icmpTypeName(6, 1, 4), "port unreachable");
    assert.equal(icmpTypeName(6, 2, 0), "packet too big");
    assert.equal(icmpTypeName(6, 3, 0), "hop limit exceeded in transit");
    assert.equal(icmpTypeName(6, 135, 0), "neighbor solicitation");
    assert.equal(icmpTypeName(6, 200, 1), "type 200 code 1");
  });
});
