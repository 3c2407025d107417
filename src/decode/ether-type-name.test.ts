import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { etherTypeName } from "./ether-type-name.ts";

describe("etherTypeName", () => {
  it("EtherTypes", () => {
    assert.equal(etherTypeName(0x0800), "IPv4");
    assert.equal(etherTypeName(0x86dd), "IPv6");
    assert.equal(etherTypeName(0x0806), "ARP");
    assert.equal(etherTypeName(0x88a8), "802.1ad");
    assert.equal(etherTypeName(0x88cc), "LLDP");
    assert.equal(etherTypeName(0x1234), "ethertype 0x1234");
  });
});
