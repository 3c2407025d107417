import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinkType } from "./link-types.ts";
import { decodeRecorded } from "./testing/decode-recorded.ts";
import { RAW_IPV4, RAW_IPV6 } from "./testing/packets.ts";
import { prefixed } from "./testing/recorded-packet.ts";

// Linux has no BSD loopback device, so these tests put the 4-byte address-family header (the only
// thing LINKTYPE_NULL adds) before IP packets recorded from a tun device.
describe("BSD loopback (NULL and LOOP)", () => {
  it("AF_INET in little-endian host order", () => {
    const v = decodeRecorded(prefixed(LinkType.NULL, [2, 0, 0, 0], RAW_IPV4));
    assert.equal(v.link, "null");
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 4);
    assert.equal(v.srcPort, 40030);
  });

  it("AF_INET in big-endian host order", () => {
    const v = decodeRecorded(prefixed(LinkType.NULL, [0, 0, 0, 2], RAW_IPV4));
    assert.equal(v.ipVersion, 4);
    assert.equal(v.srcPort, 40030);
  });

  it("AF_INET6 as NetBSD/OpenBSD (24), FreeBSD (28) and macOS (30) number it", () => {
    for (const family of [24, 28, 30]) {
      const v = decodeRecorded(prefixed(LinkType.NULL, [family, 0, 0, 0], RAW_IPV6));
      assert.equal(v.ipVersion, 6, `AF ${family}`);
      assert.equal(v.srcPort, 40031);
    }
  });

  it("OpenBSD LOOP: the family in network byte order", () => {
    const v = decodeRecorded(prefixed(LinkType.LOOP, [0, 0, 0, 24], RAW_IPV6));
    assert.equal(v.link, "null");
    assert.equal(v.ipVersion, 6);
  });

  it("an unknown family ends the packet without an error", () => {
    const v = decodeRecorded(prefixed(LinkType.NULL, [7, 0, 0, 0], RAW_IPV4));
    assert.equal(v.ipVersion, 0);
    assert.equal(v.etherType, -1);
    assert.equal(v.stop, undefined);
  });
});
