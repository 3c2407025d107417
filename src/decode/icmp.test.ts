import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecorded, formatIp } from "./testing/decode-recorded.ts";
import {
  ICMP4_ECHO_REQUEST,
  ICMP4_FRAG_NEEDED,
  ICMP4_TIME_EXCEEDED,
  ICMP4_TIME_EXCEEDED_TCP,
  ICMP6_PACKET_TOO_BIG,
  ICMP6_TIME_EXCEEDED,
  ICMP6_TIME_EXCEEDED_TCP,
  LO_ICMP4_PORT_UNREACHABLE,
  LO_ICMP6_PORT_UNREACHABLE,
} from "./testing/packets.ts";
import { cut } from "./testing/recorded-packet.ts";

describe("ICMP", () => {
  it("port unreachable quotes the UDP datagram: addresses and ports", () => {
    const v = decodeRecorded(LO_ICMP4_PORT_UNREACHABLE);
    assert.equal(v.transport, "icmp");
    assert.equal(v.icmpType, 3);
    assert.equal(v.icmpCode, 3);
    assert.equal(v.icmpMtu, -1);
    const q = v.icmpQuote;
    assert.equal(q.present, true);
    assert.equal(q.ipVersion, 4);
    assert.equal(formatIp(v.bytes, q.dstOffset, 4), "127.0.0.1");
    assert.equal(q.protocol, 17);
    assert.equal(q.srcPort, 35083);
    assert.equal(q.dstPort, 9);
    assert.equal(q.tcpSeq, -1);
    assert.equal(v.payloadLenBytes, 40);
  });

  it("fragmentation needed carries the next-hop MTU (1280) and quotes a cut datagram", () => {
    const v = decodeRecorded(ICMP4_FRAG_NEEDED);
    assert.equal(v.icmpType, 3);
    assert.equal(v.icmpCode, 4);
    assert.equal(v.icmpMtu, 1280);
    assert.equal(formatIp(v.bytes, v.icmpQuote.dstOffset, 4), "10.9.2.2");
    assert.equal(v.icmpQuote.srcPort, 33033);
    // 548 bytes of quote on the wire, 86 in the 128-byte capture.
    assert.equal(v.payloadLenBytes, 548);
    assert.equal(v.payloadCapturedBytes, 86);
  });

  it("time exceeded quotes the TTL-1 datagram", () => {
    const v = decodeRecorded(ICMP4_TIME_EXCEEDED);
    assert.equal(v.icmpType, 11);
    assert.equal(v.icmpCode, 0);
    assert.equal(v.icmpQuote.srcPort, 55460);
  });

  it("a quoted TCP segment gives its sequence number (tcpdump: seq 255794804)", () => {
    const v = decodeRecorded(ICMP4_TIME_EXCEEDED_TCP);
    assert.equal(v.icmpQuote.protocol, 6);
    assert.equal(v.icmpQuote.srcPort, 54882);
    assert.equal(v.icmpQuote.dstPort, 8080);
    assert.equal(v.icmpQuote.tcpSeq, 255794804);
  });

  it("echo request: type 8, no quote", () => {
    const v = decodeRecorded(ICMP4_ECHO_REQUEST);
    assert.equal(v.icmpType, 8);
    assert.equal(v.icmpQuote.present, false);
    assert.equal(v.payloadLenBytes, 9);
  });

  it("a quote cut after the IP header has addresses but no ports", () => {
    const v = decodeRecorded(cut(LO_ICMP4_PORT_UNREACHABLE, 42 + 22));
    assert.equal(v.icmpQuote.present, true);
    assert.equal(v.icmpQuote.protocol, 17);
    assert.equal(v.icmpQuote.srcPort, -1);
    assert.equal(v.stop, undefined);
  });

  it("a quote cut inside the IP header is absent", () => {
    const v = decodeRecorded(cut(LO_ICMP4_PORT_UNREACHABLE, 42 + 12));
    assert.equal(v.icmpType, 3);
    assert.equal(v.icmpQuote.present, false);
  });
});

describe("ICMPv6", () => {
  it("port unreachable (1/4) quotes the IPv6 UDP datagram", () => {
    const v = decodeRecorded(LO_ICMP6_PORT_UNREACHABLE);
    assert.equal(v.transport, "icmpv6");
    assert.equal(v.icmpType, 1);
    assert.equal(v.icmpCode, 4);
    assert.equal(v.icmpQuote.ipVersion, 6);
    assert.equal(formatIp(v.bytes, v.icmpQuote.srcOffset, 6), "::1");
    assert.equal(v.icmpQuote.srcPort, 38976);
    assert.equal(v.icmpQuote.dstPort, 9);
  });

  it("packet too big carries the 32-bit MTU (1280)", () => {
    const v = decodeRecorded(ICMP6_PACKET_TOO_BIG);
    assert.equal(v.icmpType, 2);
    assert.equal(v.icmpMtu, 1280);
    assert.equal(formatIp(v.bytes, v.icmpQuote.dstOffset, 6), "fd09:2::2");
    assert.equal(v.icmpQuote.srcPort, 37646);
  });

  it("time exceeded (3/0) quotes a datagram and a TCP SYN with its sequence number", () => {
    const udp = decodeRecorded(ICMP6_TIME_EXCEEDED);
    assert.equal(udp.icmpType, 3);
    assert.equal(udp.icmpQuote.srcPort, 46995);
    const tcp = decodeRecorded(ICMP6_TIME_EXCEEDED_TCP);
    assert.equal(tcp.icmpQuote.protocol, 6);
    assert.equal(tcp.icmpQuote.srcPort, 47048);
    // tshark -e tcp.seq_raw on the recorded capture: 3784882201.
    assert.equal(tcp.icmpQuote.tcpSeq, 3784882201);
  });
});
