import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp, formatMac } from "./testing/decode-recorded.ts";
import { LLC_SNAP_IPV4, LO_TCP4_SYN, STP_BPDU, VLAN_8021Q, VLAN_QINQ } from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

describe("Ethernet", () => {
  it("reads the MAC addresses and EtherType of a loopback frame", () => {
    const v = decodeRecorded(LO_TCP4_SYN);
    assert.equal(v.link, "ethernet");
    assert.equal(v.macDstOffset, 0);
    assert.equal(v.macSrcOffset, 6);
    assert.equal(formatMac(v.bytes, v.macSrcOffset), "00:00:00:00:00:00");
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.vlanCount, 0);
    assert.equal(v.ipOffset, 14);
  });

  it("reads one 802.1Q tag (VLAN 10) and the IPv4 datagram behind it", () => {
    const v = decodeRecorded(VLAN_8021Q);
    assert.equal(formatMac(v.bytes, v.macDstOffset), "02:00:0a:09:01:02");
    assert.equal(formatMac(v.bytes, v.macSrcOffset), "02:00:0a:09:01:01");
    assert.equal(v.vlanCount, 1);
    assert.equal(v.vlanIds[0], 10);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 18);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "10.9.1.1");
    assert.equal(v.transport, "udp");
    assert.equal(v.srcPort, 40010);
    assert.equal(v.dstPort, 9);
    assert.equal(v.payloadLenBytes, 4);
    assert.equal(v.stop, undefined);
  });

  it("reads a QinQ stack outermost first: 802.1ad VLAN 20, then 802.1Q VLAN 10", () => {
    const v = decodeRecorded(VLAN_QINQ);
    assert.equal(v.vlanCount, 2);
    assert.deepEqual(v.vlanIds.slice(0, 2), [20, 10]);
    assert.equal(v.ipOffset, 22);
    assert.equal(v.srcPort, 40011);
  });

  it("follows an 802.3 length frame's LLC/SNAP header to the EtherType it carries", () => {
    const v = decodeRecorded(LLC_SNAP_IPV4);
    assert.equal(v.vlanCount, 0);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 22);
    assert.equal(v.srcPort, 40012);
    assert.equal(v.payloadLenBytes, 4);
  });

  it("recognises a non-SNAP LLC frame (an STP BPDU) and stops without an error", () => {
    const v = decodeRecorded(STP_BPDU);
    assert.equal(formatMac(v.bytes, v.macDstOffset), "01:80:c2:00:00:00");
    assert.equal(v.etherType, -1);
    assert.equal(v.ipVersion, 0);
    assert.equal(v.transport, "none");
    assert.equal(v.stop, undefined);
  });

  it("reports an Ethernet header cut by the snaplen as truncated", () => {
    const v = decodeRecorded(cut(LO_TCP4_SYN, 10));
    assert.equal(v.truncated, true);
    assert.deepEqual(
      { ...v.stop },
      {
        layer: "ethernet",
        reason: "truncated",
        offsetBytes: 0,
        neededBytes: 14,
        availableBytes: 10,
        detail: "Ethernet header",
      },
    );
    assert.equal(v.macSrcOffset, -1);
  });

  it("reports a VLAN tag cut by the snaplen", () => {
    const v = decodeRecorded(cut(VLAN_QINQ, 20));
    assert.equal(v.stop?.layer, "vlan");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.offsetBytes, 18);
    assert.equal(v.vlanCount, 1);
    assert.equal(v.ipVersion, 0);
  });

  it("stops a stack of more than 8 VLAN tags as malformed", () => {
    // The recorded 802.1Q frame with its tag repeated nine times.
    const deep = edited(VLAN_8021Q, (b) => {
      const tag = b.subarray(12, 16);
      const out = new Uint8Array(b.length + 8 * 4);
      out.set(b.subarray(0, 12), 0);
      for (let i = 0; i < 9; i++) out.set(tag, 12 + 4 * i);
      out.set(b.subarray(16), 12 + 36);
      return out;
    });
    const v = decodeRecorded(deep);
    assert.equal(v.vlanCount, 8);
    assert.equal(v.stop?.layer, "vlan");
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.offsetBytes, 14 + 8 * 4);
  });
});
