import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinkType } from "./link-types.ts";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import { RAW_IPV4, RAW_IPV6 } from "./testing/packets.ts";

describe("raw IP link types", () => {
  it("LINKTYPE_RAW from a tun device: IPv4 at offset 0", () => {
    const v = decodeRecorded(RAW_IPV4);
    assert.equal(v.link, "raw");
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 0);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "10.9.9.2");
    assert.equal(v.srcPort, 40030);
    assert.equal(v.payloadLenBytes, 6);
  });

  it("LINKTYPE_RAW tells IPv6 by its version nibble", () => {
    const v = decodeRecorded(RAW_IPV6);
    assert.equal(v.ipVersion, 6);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 6), "fd09:9::2");
    assert.equal(v.srcPort, 40031);
  });

  it("the old DLT_RAW numbers 12 and 14 mean raw IP too", () => {
    for (const linkType of [LinkType.DLT_RAW_12, LinkType.DLT_RAW_14]) {
      const v = decodeRecorded({ ...RAW_IPV4, linkType });
      assert.equal(v.link, "raw");
      assert.equal(v.srcPort, 40030);
    }
  });

  it("LINKTYPE_IPV4 and LINKTYPE_IPV6 accept only their own version", () => {
    assert.equal(decodeRecorded({ ...RAW_IPV6, linkType: LinkType.IPV6 }).srcPort, 40031);
    const v = decodeRecorded({ ...RAW_IPV6, linkType: LinkType.IPV4 });
    assert.equal(v.ipVersion, 0);
    assert.equal(v.stop?.layer, "raw");
    assert.equal(v.stop?.reason, "malformed");
  });
});
