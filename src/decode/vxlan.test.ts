import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp, formatMac } from "./testing/decode-recorded.ts";
import { VXLAN_ARP, VXLAN_MLD_HBH, VXLAN_UDP } from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

/** Where the VXLAN header starts in these frames: Ethernet 14 + IPv4 20 + UDP 8. */
const VXLAN_AT = 42;

describe("VXLAN", () => {
  it("decodes the inner IPv4/UDP datagram; the outer link stays the captured frame's", () => {
    const v = decodeRecorded(VXLAN_UDP);
    assert.deepEqual(v.tunnels.slice(0, v.tunnelCount), ["vxlan"]);
    assert.equal(v.vxlanVni, 42);
    assert.equal(formatMac(v.bytes, v.macSrcOffset), "02:00:0a:09:01:01");
    assert.equal(v.ipOffset, VXLAN_AT + 8 + 14);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "192.168.42.1");
    assert.equal(formatIp(v.bytes, v.ipDstOffset, 4), "192.168.42.2");
    assert.equal(v.transport, "udp");
    assert.equal(v.srcPort, 53350);
    assert.equal(v.dstPort, 9);
    assert.equal(v.payloadLenBytes, 8);
  });

  it("an inner ARP request: no IP fields left over from the outer datagram", () => {
    const v = decodeRecorded(VXLAN_ARP);
    assert.equal(v.tunnelCount, 1);
    assert.equal(v.etherType, 0x0806);
    assert.equal(v.ipVersion, 0);
    assert.equal(v.transport, "none");
    assert.equal(v.srcPort, -1);
    assert.equal(v.stop, undefined);
  });

  it("an inner MLDv2 report behind a hop-by-hop header", () => {
    const v = decodeRecorded(VXLAN_MLD_HBH);
    assert.equal(v.ipVersion, 6);
    assert.deepEqual(v.ipv6Ext.slice(0, v.ipv6ExtCount), [0]);
    assert.equal(v.transport, "icmpv6");
    assert.equal(v.icmpType, 143);
  });

  it("without the I flag, port 4789 is plain UDP", () => {
    const noFlag = edited(VXLAN_UDP, (b) => {
      b[VXLAN_AT] = 0;
      return undefined;
    });
    const v = decodeRecorded(noFlag);
    assert.equal(v.tunnelCount, 0);
    assert.equal(v.dstPort, 4789);
    assert.equal(v.payloadLenBytes, 8 + 50);
  });

  it("port 8472 (the Linux default before IANA's 4789) is VXLAN too", () => {
    const legacy = edited(VXLAN_UDP, (b) => {
      b[36] = 8472 >> 8;
      b[37] = 8472 & 0xff;
      return undefined;
    });
    const v = decodeRecorded(legacy);
    assert.equal(v.vxlanVni, 42);
    assert.equal(v.srcPort, 53350);
  });

  it("an inner IPv4 header cut by the snaplen: the inner frame began, so no outer IP is left", () => {
    const v = decodeRecorded(cut(VXLAN_UDP, VXLAN_AT + 8 + 14 + 10));
    assert.equal(v.tunnelCount, 1);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipVersion, 0);
    assert.equal(v.stop?.layer, "ipv4");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.offsetBytes, 64);
  });

  it("a VXLAN header cut by the snaplen keeps the outer UDP datagram", () => {
    const v = decodeRecorded(cut(VXLAN_UDP, VXLAN_AT + 4));
    assert.equal(v.tunnelCount, 0);
    assert.equal(v.transport, "udp");
    assert.equal(v.dstPort, 4789);
    assert.equal(v.stop?.layer, "vxlan");
    assert.equal(v.stop?.reason, "truncated");
  });
});
