import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinkType } from "./link-types.ts";
import { decodeRecorded } from "./testing/decode-recorded.ts";
import { RAW_IPV4, RAW_IPV6 } from "./testing/packets.ts";
import { prefixed } from "./testing/recorded-packet.ts";

// No PPP link exists on this machine: the PPP headers (RFC 1661/1662) are written by the tests in
// front of IP packets recorded from a tun device. PPP inside PPTP's GRE is tested on pptp.pcap.
describe("PPP", () => {
  it("HDLC-like framing 0xFF 0x03, protocol 0x0021 (IPv4)", () => {
    const v = decodeRecorded(prefixed(LinkType.PPP, [0xff, 0x03, 0x00, 0x21], RAW_IPV4));
    assert.equal(v.link, "ppp");
    assert.equal(v.pppProtocol, 0x0021);
    assert.equal(v.etherType, 0x0800);
    assert.equal(v.ipOffset, 4);
    assert.equal(v.srcPort, 40030);
  });

  it("no address/control field and a compressed 1-byte protocol", () => {
    const v = decodeRecorded(prefixed(LinkType.PPP, [0x21], RAW_IPV4));
    assert.equal(v.pppProtocol, 0x21);
    assert.equal(v.ipOffset, 1);
    assert.equal(v.srcPort, 40030);
  });

  it("protocol 0x0057 (IPv6)", () => {
    const v = decodeRecorded(prefixed(LinkType.PPP, [0x00, 0x57], RAW_IPV6));
    assert.equal(v.ipVersion, 6);
    assert.equal(v.srcPort, 40031);
  });

  it("LCP (0xC021) is recognised and ends the packet", () => {
    const v = decodeRecorded(prefixed(LinkType.PPP, [0xff, 0x03, 0xc0, 0x21], RAW_IPV4));
    assert.equal(v.pppProtocol, 0xc021);
    assert.equal(v.ipVersion, 0);
    assert.equal(v.stop, undefined);
  });
});
