import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import {
  FRAG4_FIRST,
  FRAG4_LAST,
  LO_ICMP4_PORT_UNREACHABLE,
  LO_TCP4_DATA,
  LO_TCP4_SYN,
  LO_UDP4,
} from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

describe("IPv4", () => {
  it("reads the header of a loopback SYN (tcpdump: ttl 64, id 62801, flags [DF], length 60)", () => {
    const v = decodeRecorded(LO_TCP4_SYN);
    assert.equal(v.ipVersion, 4);
    assert.equal(v.ipOffset, 14);
    assert.equal(v.ipHeaderLenBytes, 20);
    assert.equal(v.ipTotalLenBytes, 60);
    assert.equal(v.ipTtl, 64);
    assert.equal(v.ipId, 62801);
    assert.equal(v.ipDontFragment, true);
    assert.equal(v.ipMoreFragments, false);
    assert.equal(v.ipIsFragment, false);
    assert.equal(v.ipProtocol, 6);
    assert.equal(v.ipChecksum, 0x4768);
    assert.equal(v.ipv4OptionsLenBytes, 0);
    assert.equal(formatIp(v.bytes, v.ipSrcOffset, 4), "127.0.0.1");
    assert.equal(v.l4Offset, 34);
  });

  it("splits TOS 0xc0 into DSCP 48 (CS6) and ECN 0", () => {
    const v = decodeRecorded(LO_ICMP4_PORT_UNREACHABLE);
    assert.equal(v.ipDscp, 48);
    assert.equal(v.ipEcn, 0);
    assert.equal(v.ipChecksum, 0xf746);
    assert.equal(v.ipDontFragment, false);
  });

  it("a first fragment (MF, offset 0) still carries the UDP header; lengths from the IP header", () => {
    // Captured with snaplen 128: 1514 bytes on the wire, 128 in the file.
    const v = decodeRecorded(FRAG4_FIRST);
    assert.equal(v.truncated, true);
    assert.equal(v.ipIsFragment, true);
    assert.equal(v.ipMoreFragments, true);
    assert.equal(v.ipFragmentOffsetBytes, 0);
    assert.equal(v.ipId, 40939);
    assert.equal(v.transport, "udp");
    assert.equal(v.srcPort, 60018);
    assert.equal(v.udpLenBytes, 3008);
    // The UDP length covers all three fragments; this one holds 1500 - 20 - 8 bytes of it.
    assert.equal(v.payloadLenBytes, 1472);
    assert.equal(v.payloadCapturedBytes, 128 - 42);
    assert.equal(v.stop, undefined);
  });

  it("a later fragment (offset 2960) has no transport header: its bytes are the payload", () => {
    const v = decodeRecorded(FRAG4_LAST);
    assert.equal(v.ipIsFragment, true);
    assert.equal(v.ipMoreFragments, false);
    assert.equal(v.ipFragmentOffsetBytes, 2960);
    assert.equal(v.ipProtocol, 17);
    assert.equal(v.transport, "none");
    assert.equal(v.srcPort, -1);
    assert.equal(v.payloadOffset, 34);
    assert.equal(v.payloadLenBytes, 48);
    assert.equal(v.stop, undefined);
  });

  it("total length 0 (a TSO super-packet seen on the sender) falls back to the frame length", () => {
    const tso = edited(LO_TCP4_DATA, (b) => {
      b[16] = 0;
      b[17] = 0;
      return undefined;
    });
    const v = decodeRecorded(tso);
    assert.equal(v.ipTotalLenBytes, 0);
    assert.equal(v.payloadLenBytes, 6);
    // Cut by a snaplen as well: the original length still gives the payload length.
    const cutTso = decodeRecorded(cut(tso, 60));
    assert.equal(cutTso.payloadLenBytes, 6);
    assert.equal(cutTso.payloadCapturedBytes, 0);
  });

  it("Ethernet padding is not payload: a 54-byte frame padded to 60 still carries 12 bytes", () => {
    const padded = edited(LO_UDP4, (b) => {
      const out = new Uint8Array(60);
      out.set(b);
      return out;
    });
    const v = decodeRecorded(padded);
    assert.equal(v.payloadLenBytes, 12);
    assert.equal(v.payloadCapturedBytes, 12);
  });

  for (const [name, byteOffset, value, detail] of [
    ["IHL below 5", 14, 0x44, "IHL below 5"],
    ["version 5", 14, 0x55, "version is not 4"],
    ["total length 10, below the 20-byte header", 17, 10, "total length below header length"],
  ] as const) {
    it(`stops as malformed on ${name}`, () => {
      const bad = edited(LO_UDP4, (b) => {
        b[byteOffset] = value;
        return undefined;
      });
      const v = decodeRecorded(bad);
      assert.equal(v.stop?.layer, "ipv4");
      assert.equal(v.stop?.reason, "malformed");
      assert.equal(v.stop?.detail, detail);
      assert.equal(v.ipVersion, 0);
    });
  }

  it("options cut by the snaplen: the fixed header decodes, then a truncated stop", () => {
    // IHL 6 (4 bytes of options) with only 2 of them captured.
    const withOptions = cut(
      edited(LO_UDP4, (b) => {
        b[14] = 0x46;
        return undefined;
      }),
      14 + 22,
    );
    const v = decodeRecorded(withOptions);
    assert.equal(v.ipVersion, 4);
    assert.equal(v.ipv4OptionsLenBytes, 4);
    assert.equal(v.stop?.layer, "ipv4");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.neededBytes, 24);
    assert.equal(v.stop?.availableBytes, 22);
  });
});
