import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ipProtocolName } from "./ip-protocol-name.ts";

describe("ipProtocolName", () => {
  it("IP protocols, as tcpdump spells them", () => {
    assert.equal(ipProtocolName(6), "TCP");
    assert.equal(ipProtocolName(17), "UDP");
    assert.equal(ipProtocolName(58), "ICMPv6");
    assert.equal(ipProtocolName(47), "GRE");
    assert.equal(ipProtocolName(4), "IPIP");
    assert.equal(ipProtocolName(253), "ip-proto-253");
  });
});
