import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded } from "./testing/decode-recorded.ts";
import { LO_UDP4, LO_UDP6 } from "./testing/packets.ts";
import { cut, edited } from "./testing/recorded-packet.ts";

describe("UDP", () => {
  it("reads ports, length and the 12 payload bytes of a loopback datagram", () => {
    const v = decodeRecorded(LO_UDP4);
    assert.equal(v.transport, "udp");
    assert.equal(v.l4Offset, 34);
    assert.equal(v.srcPort, 35083);
    assert.equal(v.dstPort, 9);
    assert.equal(v.udpLenBytes, 20);
    assert.equal(v.payloadOffset, 42);
    assert.equal(v.payloadLenBytes, 12);
    const text = new TextDecoder().decode(v.bytes.subarray(42, 54));
    assert.equal(text, "abcdefghijkl");
  });

  it("reads UDP over IPv6", () => {
    const v = decodeRecorded(LO_UDP6);
    assert.equal(v.l4Offset, 54);
    assert.equal(v.srcPort, 38976);
    assert.equal(v.payloadLenBytes, 12);
  });

  it("a UDP length of 0 (jumbogram, UDP GSO) takes the length from IP", () => {
    const zero = edited(LO_UDP4, (b) => {
      b[38] = 0;
      b[39] = 0;
      return undefined;
    });
    const v = decodeRecorded(zero);
    assert.equal(v.udpLenBytes, 0);
    assert.equal(v.payloadLenBytes, 12);
    assert.equal(v.stop, undefined);
  });

  it("a UDP length below 8 is malformed; the ports still stand", () => {
    const bad = edited(LO_UDP4, (b) => {
      b[39] = 5;
      return undefined;
    });
    const v = decodeRecorded(bad);
    assert.equal(v.srcPort, 35083);
    assert.equal(v.stop?.layer, "udp");
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.availableBytes, 5);
  });

  it("a UDP length past the IP payload is bounded by the IP payload", () => {
    const long = edited(LO_UDP4, (b) => {
      b[39] = 200;
      return undefined;
    });
    assert.equal(decodeRecorded(long).payloadLenBytes, 12);
  });

  it("a UDP header cut by the snaplen stops as truncated", () => {
    const v = decodeRecorded(cut(LO_UDP4, 38));
    assert.equal(v.transport, "none");
    assert.equal(v.stop?.layer, "udp");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.availableBytes, 4);
  });

  it("an IP total length too short for the UDP header is malformed, not truncated", () => {
    const short = edited(LO_UDP4, (b) => {
      b[17] = 24; // 20 bytes of IP, 4 of UDP
      return undefined;
    });
    const v = decodeRecorded(short);
    assert.equal(v.stop?.layer, "udp");
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.availableBytes, 4);
  });
});
