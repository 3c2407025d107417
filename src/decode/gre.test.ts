import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import {
  GRE_CSUM_IPV6,
  GRE_ERSPAN,
  GRE_ETHERNET,
  GRE_KEY_SEQ_IPV4,
  GRE_OVER_IPV6,
} from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

/** Where the GRE header starts in the IPv4-carried frames. */
const GRE_AT = 34;

describe("GRE", () => {
  it("key and sequence number (4 + 4 + 4 bytes), then the inner IPv4 datagram", () => {
    const v = decodeRecorded(GRE_KEY_SEQ_IPV4);
    assert.deepEqual(v.tunnels.slice(0, v.tunnelCount), ["gre"]);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, GRE_AT + 12);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "192.168.77.1");
    assert.equal(v.srcPort, 40001);
    assert.equal(v.dstPort, 7777);
    assert.equal(v.payloadLenBytes, 8);
  });

  it("checksum present (4 + 4 bytes), then the inner IPv6 datagram", () => {
    const v = decodeRecorded(GRE_CSUM_IPV6);
    assert.equal(v.etherType, 0x86dd);
    assert.equal(v.ipVersion, 6);
    assert.equal(v.ipOffset, GRE_AT + 8);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 6), "fd77::1");
    assert.equal(v.srcPort, 40002);
  });

  it("transparent Ethernet bridging (0x6558): an inner Ethernet frame", () => {
    const v = decodeRecorded(GRE_ETHERNET);
    assert.equal(v.ipOffset, GRE_AT + 8 + 14);
    assert.equal(v.macSrcOffset, 6);
    assert.equal(v.srcPort, 40001);
  });

  it("ERSPAN is named as unsupported; the outer datagram stays decoded", () => {
    const v = decodeRecorded(GRE_ERSPAN);
    assert.deepEqual(v.tunnels.slice(0, v.tunnelCount), ["gre"]);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "10.9.1.1");
    assert.equal(v.ipProtocol, 47);
    assert.equal(v.transport, "other");
    assert.equal(v.stop?.layer, "gre");
    assert.equal(v.stop?.reason, "unsupported");
    assert.equal(v.stop?.detail, "ERSPAN mirror payload");
    assert.equal(v.stop?.offsetBytes, GRE_AT + 8);
  });

  it("GRE over IPv6", () => {
    const v = decodeRecorded(GRE_OVER_IPV6);
    assert.equal(v.tunnelCount, 1);
    assert.equal(v.ipVersion, 4);
    assert.equal(v.ipOffset, 14 + 40 + 4);
    assert.equal(v.srcPort, 40001);
  });

  it("the RFC 1701 routing bit and versions above 1 are unsupported", () => {
    const routing = decodeRecorded(
      edited(GRE_KEY_SEQ_IPV4, (b) => {
        b[GRE_AT] |= 0x40;
        return undefined;
      }),
    );
    assert.equal(routing.stop?.reason, "unsupported");
    assert.equal(routing.stop?.detail, "RFC 1701 source routing");
    const version2 = decodeRecorded(
      edited(GRE_KEY_SEQ_IPV4, (b) => {
        b[GRE_AT + 1] |= 2;
        return undefined;
      }),
    );
    assert.equal(version2.stop?.detail, "GRE version above 1");
    assert.equal(version2.tunnelCount, 0);
  });

  it("optional fields cut by the snaplen stop as truncated", () => {
    const v = decodeRecorded(cut(GRE_KEY_SEQ_IPV4, GRE_AT + 6));
    assert.equal(v.tunnelCount, 0);
    assert.equal(v.stop?.layer, "gre");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.neededBytes, 12);
  });
});
