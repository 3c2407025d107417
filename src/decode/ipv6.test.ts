import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import {
  FRAG6_FIRST,
  FRAG6_LAST,
  IPV6_AH,
  IPV6_ESP,
  IPV6_HBH_DSTOPT,
  LO_TCP6_SYN,
} from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

describe("IPv6", () => {
  it("reads the fixed header of a SYN on ::1", () => {
    const v = decodeRecorded(LO_TCP6_SYN);
    assert.equal(v.ipVersion, 6);
    assert.equal(v.ipOffset, 14);
    assert.equal(v.ipHeaderLenBytes, 40);
    assert.equal(v.ipTotalLenBytes, 80);
    assert.equal(v.ipTtl, 64);
    assert.equal(v.ipId, -1);
    assert.equal(v.ipChecksum, -1);
    assert.equal(v.ipProtocol, 6);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 6), "::1");
    assert.equal(v.srcPort, 59458);
  });

  it("walks hop-by-hop (0) and destination options (60) to UDP", () => {
    const v = decodeRecorded(IPV6_HBH_DSTOPT);
    assert.deepEqual(v.ipv6Ext.slice(0, v.ipv6ExtCount), [0, 60]);
    assert.equal(v.ipHeaderLenBytes, 56);
    assert.equal(v.ipProtocol, 17);
    assert.equal(v.l4Offset, 70);
    assert.equal(v.srcPort, 44005);
    assert.equal(v.payloadLenBytes, 11);
  });

  it("uses AH's own length rule: (4 + 2) * 4 = 24 bytes", () => {
    const v = decodeRecorded(IPV6_AH);
    assert.deepEqual(v.ipv6Ext.slice(0, v.ipv6ExtCount), [51]);
    assert.equal(v.ipHeaderLenBytes, 64);
    assert.equal(v.srcPort, 40020);
    assert.equal(v.payloadLenBytes, 2);
  });

  it("stops at ESP: what follows is encrypted", () => {
    const v = decodeRecorded(IPV6_ESP);
    assert.equal(v.ipProtocol, 50);
    assert.equal(v.transport, "other");
    assert.equal(v.payloadOffset, 54);
    assert.equal(v.payloadLenBytes, 32);
    assert.equal(v.stop, undefined);
  });

  it("a first fragment: fragment header 44, identification 0x0382725a, UDP behind it", () => {
    const v = decodeRecorded(FRAG6_FIRST);
    assert.deepEqual(v.ipv6Ext.slice(0, v.ipv6ExtCount), [44]);
    assert.equal(v.ipId, 0x0382725a);
    assert.equal(v.ipIsFragment, true);
    assert.equal(v.ipMoreFragments, true);
    assert.equal(v.ipFragmentOffsetBytes, 0);
    assert.equal(v.srcPort, 58992);
    assert.equal(v.payloadLenBytes, 1456 - 8 - 8);
  });

  it("a later fragment (offset 2896): no transport header, upper protocol still named", () => {
    const v = decodeRecorded(FRAG6_LAST);
    assert.equal(v.ipFragmentOffsetBytes, 2896);
    assert.equal(v.ipMoreFragments, false);
    assert.equal(v.ipProtocol, 17);
    assert.equal(v.transport, "none");
    assert.equal(v.payloadOffset, 62);
    assert.equal(v.payloadLenBytes, 112);
  });

  it("an extension header cut by the snaplen stops as truncated, naming the header", () => {
    const v = decodeRecorded(cut(IPV6_HBH_DSTOPT, 14 + 40 + 4));
    assert.equal(v.ipVersion, 6);
    assert.equal(v.ipProtocol, 0);
    assert.equal(v.stop?.layer, "ipv6");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.offsetBytes, 54);
    assert.equal(v.stop?.neededBytes, 8);
  });

  it("an extension header past the payload length is malformed", () => {
    // Payload length 8: room for the hop-by-hop header, not the destination options after it.
    const short = edited(IPV6_HBH_DSTOPT, (b) => {
      b[18] = 0;
      b[19] = 8;
      return undefined;
    });
    const v = decodeRecorded(short);
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.offsetBytes, 62);
    assert.equal(v.ipv6ExtCount, 1);
  });

  it("stops after 16 extension headers", () => {
    // The recorded destination-options header repeated 17 times, each pointing at the next.
    const many = edited(IPV6_HBH_DSTOPT, (b) => {
      const dst = b.slice(62, 70);
      dst[0] = 60;
      const out = new Uint8Array(b.length + 16 * 8);
      out.set(b.subarray(0, 62), 0);
      for (let i = 0; i < 17; i++) out.set(dst, 62 + 8 * i);
      out[62 + 8 * 16] = 17;
      out.set(b.subarray(70), 62 + 17 * 8);
      const payloadLen = out.length - 54;
      out[18] = payloadLen >> 8;
      out[19] = payloadLen & 0xff;
      return out;
    });
    const v = decodeRecorded(many);
    assert.equal(v.ipv6ExtCount, 16);
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.detail, "more than 16 extension headers");
  });
});
