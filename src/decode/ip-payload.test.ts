import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import { IP4IN6, IP6IP6, IPIP, IPIP_VXLAN, RAW_IPV4, SIT } from "./testing/packets.ts";
import type { RecordedPacket } from "./testing/recorded-packet.ts";

describe("IP in IP", () => {
  for (const [name, packet, kind, version, ipOffset] of [
    ["IPv4 in IPv4 (4)", IPIP, "ipip", 4, 34],
    ["IPv6 in IPv4 (41, sit)", SIT, "ip6in4", 6, 34],
    ["IPv6 in IPv6 (41)", IP6IP6, "ip6in6", 6, 54],
    ["IPv4 in IPv6 (4)", IP4IN6, "ip4in6", 4, 54],
  ] as const) {
    it(`${name}: the inner datagram's fields, the tunnel named ${kind}`, () => {
      const v = decodeRecorded(packet);
      assert.deepEqual(v.tunnels.slice(0, v.tunnelCount), [kind]);
      assert.equal(v.ipVersion, version);
      assert.equal(v.etherType, version === 4 ? 0x0800 : 0x86dd);
      assert.equal(v.ipOffset, ipOffset);
      assert.equal(
        formatIp(v.bytes, v.ipSrcOffset, version),
        version === 4 ? "192.168.77.1" : "fd77::1",
      );
      assert.equal(v.srcPort, version === 4 ? 40001 : 40002);
      assert.equal(v.payloadLenBytes, 8);
    });
  }

  it("lists nested encapsulations outermost first: IPIP, then VXLAN VNI 99", () => {
    const v = decodeRecorded(IPIP_VXLAN);
    assert.deepEqual(v.tunnels.slice(0, v.tunnelCount), ["ipip", "vxlan"]);
    assert.equal(v.vxlanVni, 99);
    assert.equal(v.ipOffset, 14 + 20 + 20 + 8 + 8 + 14);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "192.168.77.1");
    assert.equal(v.srcPort, 40001);
  });

  it("stops after 8 nested encapsulations", () => {
    // The recorded raw IPv4 datagram inside ten copies of its own header, each saying "IPIP".
    const inner = RAW_IPV4.bytes;
    const depth = 10;
    const bytes = new Uint8Array(depth * 20 + inner.length);
    for (let i = 0; i < depth; i++) {
      const at = i * 20;
      bytes.set(inner.subarray(0, 20), at);
      bytes[at + 9] = 4;
      const totalLen = bytes.length - at;
      bytes[at + 2] = totalLen >> 8;
      bytes[at + 3] = totalLen & 0xff;
    }
    bytes.set(inner, depth * 20);
    const nested: RecordedPacket = { linkType: 101, originalLenBytes: bytes.length, bytes };
    const v = decodeRecorded(nested);
    assert.equal(v.tunnelCount, 8);
    assert.equal(v.ipOffset, 8 * 20);
    assert.equal(v.stop?.reason, "unsupported");
    assert.equal(v.stop?.detail, "encapsulations nested deeper than 8");
    assert.equal(v.stop?.offsetBytes, 9 * 20);
  });
});
