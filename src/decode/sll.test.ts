import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import { SLL_ICMP, SLL2_UDP } from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

describe("Linux cooked captures", () => {
  it("SLL2 (tcpdump -i any): interface index, outgoing packet type, then IPv4/UDP at offset 20", () => {
    const v = decodeRecorded(SLL2_UDP);
    assert.equal(v.link, "sll2");
    assert.equal(v.sllInterfaceIndex, 2);
    assert.equal(v.sllPacketType, 4);
    assert.equal(v.macSrcOffset, -1);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 20);
    assert.equal(formatIp(v.bytes, v.ipDstOffset, 4), "10.9.1.2");
    assert.equal(v.srcPort, 45362);
    assert.equal(v.dstPort, 9);
    assert.equal(v.payloadLenBytes, 8);
  });

  it("SLL (-y LINUX_SLL): host packet type, then the ICMP error at offset 16", () => {
    const v = decodeRecorded(SLL_ICMP);
    assert.equal(v.link, "sll");
    assert.equal(v.sllPacketType, 0);
    assert.equal(v.sllInterfaceIndex, -1);
    assert.equal(v.ipOffset, 16);
    assert.equal(v.transport, "icmp");
    assert.equal(v.icmpType, 3);
    assert.equal(v.icmpQuote.srcPort, 45683);
  });

  it("a netlink capture (ARPHRD_NETLINK) ends at the cooked header", () => {
    const netlink = edited(SLL_ICMP, (b) => {
      b[2] = 824 >> 8;
      b[3] = 824 & 0xff;
      return undefined;
    });
    const v = decodeRecorded(netlink);
    assert.equal(v.ipVersion, 0);
    assert.equal(v.etherType, -1);
    assert.equal(v.stop, undefined);
  });

  it("a cooked header cut short stops as truncated", () => {
    const v = decodeRecorded(cut(SLL2_UDP, 12));
    assert.equal(v.stop?.layer, "sll2");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.neededBytes, 20);
    assert.equal(v.stop?.availableBytes, 12);
  });
});
