import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tcpFlagsString } from "./tcp-flags-string.ts";
import { decodeRecorded } from "./testing/decode-recorded.ts";
import {
  LO_TCP4_DATA,
  LO_TCP4_SYN,
  LO_TCP4_SYN_ACK,
  MPTCP_SYN,
  SACK_ACK,
  SNAP40_SYN,
  SNAP60_DATA,
  SNAP60_SYN,
  TFO_SYN_ACK_COOKIE,
  TFO_SYN_DATA,
} from "./testing/packets.ts";
import { edited } from "./testing/recorded-packet.ts";
import { TcpFlag } from "./types.ts";

/** LO_TCP4_SYN's options start at 54: MSS(54) SACK-permitted(58) timestamps(60) NOP(70) WS(71). */
const SYN_OPTIONS = 54;

describe("TCP", () => {
  it("reads a SYN and every option in it (mss 65495, sackOK, TS val 545825521 ecr 0, wscale 10)", () => {
    const v = decodeRecorded(LO_TCP4_SYN);
    assert.equal(v.transport, "tcp");
    assert.equal(v.srcPort, 33762);
    assert.equal(v.dstPort, 8080);
    assert.equal(v.tcpSeq, 2572751924);
    assert.equal(v.tcpAck, 0);
    assert.equal(v.tcpFlags, TcpFlag.SYN);
    assert.equal(tcpFlagsString(v.tcpFlags), "S");
    assert.equal(v.tcpWindow, 65495);
    assert.equal(v.tcpHeaderLenBytes, 40);
    assert.equal(v.tcpMss, 65495);
    assert.equal(v.tcpSackPermitted, true);
    assert.equal(v.tcpHasTimestamps, true);
    assert.equal(v.tcpTsVal, 545825521);
    assert.equal(v.tcpTsEcr, 0);
    assert.equal(v.tcpWindowScale, 10);
    assert.equal(v.tcpOtherOptionCount, 0);
    assert.equal(v.tcpOptionsMalformed, false);
    assert.equal(v.payloadOffset, 74);
    assert.equal(v.payloadLenBytes, 0);
  });

  it("reads a SYN/ACK: seq 1586836411, ack 2572751925 (the SYN's seq + 1), TS echo", () => {
    const v = decodeRecorded(LO_TCP4_SYN_ACK);
    assert.equal(tcpFlagsString(v.tcpFlags), "S.");
    assert.equal(v.tcpSeq, 1586836411);
    assert.equal(v.tcpAck, 2572751925);
    assert.equal(v.tcpWindow, 65483);
    assert.equal(v.tcpTsEcr, 545825521);
  });

  it("points at the 6 data bytes of a PSH/ACK", () => {
    const v = decodeRecorded(LO_TCP4_DATA);
    assert.equal(tcpFlagsString(v.tcpFlags), "P.");
    assert.equal(v.tcpSeq, 2572751925);
    assert.equal(v.tcpAck, 1586836412);
    assert.equal(v.tcpHeaderLenBytes, 32);
    assert.equal(v.tcpMss, -1);
    assert.equal(v.tcpWindowScale, -1);
    assert.equal(v.payloadOffset, 66);
    assert.equal(v.payloadLenBytes, 6);
    const text = new TextDecoder().decode(v.bytes.subarray(v.payloadOffset, v.payloadOffset + 6));
    assert.equal(text, "ABCDEF");
  });

  it("reads a SACK block as unsigned 32-bit edges (tcpdump: ack 3685, sack 1 {4913:6141})", () => {
    const v = decodeRecorded(SACK_ACK);
    assert.equal(v.tcpAck, 1999650125);
    assert.equal(v.tcpSackCount, 1);
    assert.deepEqual(v.tcpSack.slice(0, 2), [1999651353, 1999652581]);
    // tcpdump's relative numbers: the block starts 4913 - 3685 bytes past the ACK.
    assert.equal(v.tcpSack[0] - v.tcpAck, 4913 - 3685);
    assert.equal(v.tcpSack[1] - v.tcpSack[0], 6141 - 4913);
  });

  it("reads sequence numbers above 2^31 as positive", () => {
    const v = decodeRecorded(LO_TCP4_SYN);
    assert.ok(v.tcpSeq > 2 ** 31);
    assert.ok(v.tcpTsVal >= 0);
  });

  it("TCP Fast Open: a cookie on the SYN/ACK, a cookie and data on the next SYN", () => {
    const synAck = decodeRecorded(TFO_SYN_ACK_COOKIE);
    assert.equal(synAck.tcpFastOpen, true);
    assert.equal(synAck.tcpHeaderLenBytes, 52);
    const syn = decodeRecorded(TFO_SYN_DATA);
    assert.equal(syn.tcpFastOpen, true);
    assert.equal(tcpFlagsString(syn.tcpFlags), "S");
    assert.equal(syn.payloadLenBytes, 5);
  });

  it("keeps MPTCP's option 30 as kind, offset and length", () => {
    const v = decodeRecorded(MPTCP_SYN);
    assert.equal(v.tcpOtherOptionCount, 1);
    assert.deepEqual({ ...v.tcpOtherOptions[0] }, { kind: 30, offset: 74, lenBytes: 4 });
    assert.equal(v.tcpMss, 65495);
  });

  it("a snaplen inside the options keeps the fixed header and the options that fit", () => {
    const v = decodeRecorded(SNAP60_SYN);
    assert.equal(v.truncated, true);
    assert.equal(v.transport, "tcp");
    assert.equal(v.tcpSeq, 984235441);
    assert.equal(v.tcpMss, 65495);
    assert.equal(v.tcpWindowScale, -1);
    assert.equal(v.tcpOptionsMalformed, false);
    assert.deepEqual(
      { ...v.stop },
      {
        layer: "tcp",
        reason: "truncated",
        offsetBytes: 34,
        neededBytes: 40,
        availableBytes: 58 - 34, // tcpdump -s 60 stored 58 bytes of this frame
        detail: "TCP options",
      },
    );
  });

  it("a snaplen inside the options still gives the payload length from the IP header", () => {
    const v = decodeRecorded(SNAP60_DATA);
    assert.equal(v.payloadLenBytes, 100);
    assert.equal(v.payloadCapturedBytes, 0);
    assert.equal(v.payloadOffset, -1);
  });

  it("a snaplen inside the fixed header: no TCP fields, the IP payload length kept", () => {
    const v = decodeRecorded(SNAP40_SYN);
    assert.equal(v.transport, "none");
    assert.equal(v.ipProtocol, 6);
    assert.equal(v.srcPort, -1);
    assert.equal(v.payloadLenBytes, 40);
    assert.equal(v.stop?.layer, "tcp");
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.neededBytes, 20);
    assert.equal(v.stop?.availableBytes, 6);
  });

  it("data offset below 5 is malformed and yields no TCP fields", () => {
    const bad = edited(LO_TCP4_DATA, (b) => {
      b[46] = 0x40;
      return undefined;
    });
    const v = decodeRecorded(bad);
    assert.equal(v.transport, "none");
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.detail, "data offset below 5");
  });

  it("a data offset past the IP payload is malformed; the fixed header stands", () => {
    const bad = edited(LO_TCP4_DATA, (b) => {
      b[46] = 0xf0; // 60 bytes of header in a 38-byte IP payload
      return undefined;
    });
    const v = decodeRecorded(bad);
    assert.equal(v.transport, "tcp");
    assert.equal(v.srcPort, 33762);
    assert.equal(v.payloadOffset, -1);
    assert.equal(v.stop?.reason, "malformed");
    assert.equal(v.stop?.neededBytes, 60);
    assert.equal(v.stop?.availableBytes, 38);
  });

  for (const [name, lengthByte] of [
    ["0", 0],
    ["1", 1],
    ["3 for MSS", 3],
    ["past the header", 40],
  ] as const) {
    it(`an option length of ${name} marks the options malformed, not the segment`, () => {
      const bad = edited(LO_TCP4_SYN, (b) => {
        b[SYN_OPTIONS + 1] = lengthByte;
        return undefined;
      });
      const v = decodeRecorded(bad);
      assert.equal(v.transport, "tcp");
      assert.equal(v.tcpOptionsMalformed, true);
      assert.equal(v.tcpMss, -1);
      assert.equal(v.tcpWindowScale, -1);
      assert.equal(v.payloadLenBytes, 0);
      assert.equal(v.stop, undefined);
    });
  }

  it("a SACK option whose length is not 2 + 8n is malformed", () => {
    const bad = edited(SACK_ACK, (b) => {
      b[14 + 20 + 20 + 12 + 1] = 9;
      return undefined;
    });
    const v = decodeRecorded(bad);
    assert.equal(v.tcpOptionsMalformed, true);
    assert.equal(v.tcpSackCount, 0);
    assert.equal(v.tcpHasTimestamps, true);
  });

  it("EOL ends the option list", () => {
    const eol = edited(LO_TCP4_SYN, (b) => {
      b[SYN_OPTIONS + 4] = 0; // where SACK-permitted was
      return undefined;
    });
    const v = decodeRecorded(eol);
    assert.equal(v.tcpMss, 65495);
    assert.equal(v.tcpSackPermitted, false);
    assert.equal(v.tcpHasTimestamps, false);
    assert.equal(v.tcpOptionsMalformed, false);
  });

  it("reads the AE flag (bit 8, the former NS bit)", () => {
    const ae = edited(LO_TCP4_SYN, (b) => {
      b[46] |= 1;
      return undefined;
    });
    const v = decodeRecorded(ae);
    assert.equal(v.tcpFlags, TcpFlag.SYN | TcpFlag.AE);
    assert.equal(v.tcpHeaderLenBytes, 40);
  });
});
