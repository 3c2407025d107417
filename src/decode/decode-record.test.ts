/**
 * decodeRecord decodes a packet where it lies in a reader's buffer: every recorded packet, placed
 * at byte 37 of a buffer whose bytes after it are 0xff (the next record's, in a real read), must
 * decode to exactly what decodePacket gives on the packet alone, with each offset moved by 37,
 * and must never read past its captured bytes (a cut packet stays cut; the checksum is not
 * computed over the neighbour's bytes).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PacketRecord } from "../capture/types.ts";
import { tcpChecksumOk } from "../tcp/checksum.ts";
import { createPacketView, decodePacket, decodeRecord } from "./index.ts";
import * as packets from "./testing/packets.ts";
import type { RecordedPacket } from "./testing/recorded-packet.ts";
import type { PacketView } from "./types.ts";

const AT = 37;

function inBuffer(p: RecordedPacket): PacketRecord {
  const bytes = new Uint8Array(AT + p.bytes.length + 200).fill(0xff);
  bytes.set(p.bytes, AT);
  return {
    linkType: p.linkType,
    bytes,
    dataOffset: AT,
    capturedLenBytes: p.bytes.length,
    originalLenBytes: p.originalLenBytes,
  } as PacketRecord;
}

/** The view's numbers, with offsets taken relative to the packet's first byte. */
function relative(v: PacketView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    if (key === "bytes" || key === "stopStorage" || key === "packetOffset") continue;
    if (key === "capturedEndOffset") out[key] = (value as number) - v.packetOffset;
    else if (key.endsWith("Offset") && typeof value === "number" && value >= 0) {
      out[key] = value - v.packetOffset;
    } else if (key === "icmpQuote") {
      const q = { ...(value as PacketView["icmpQuote"]) };
      if (q.srcOffset >= 0) q.srcOffset -= v.packetOffset;
      if (q.dstOffset >= 0) q.dstOffset -= v.packetOffset;
      out[key] = q;
    } else if (key === "tcpOtherOptions") {
      out[key] = (value as PacketView["tcpOtherOptions"])
        .slice(0, v.tcpOtherOptionCount)
        .map((o) => ({ ...o, offset: o.offset - v.packetOffset }));
    } else if (key === "stop") {
      out[key] = value === undefined ? undefined : { ...(value as object) };
    } else if (Array.isArray(value)) {
      out[key] = [...value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

const recorded = Object.entries(packets).filter(
  (e): e is [string, RecordedPacket] => typeof e[1] === "object" && "bytes" in e[1],
);

describe("decodeRecord", () => {
  it("has recorded packets to check", () => {
    assert.ok(recorded.length >= 30, `${recorded.length} packets`);
  });

  for (const [name, p] of recorded) {
    it(`${name}: same fields as decodePacket, offsets moved by the record's place`, () => {
      const alone = decodePacket(p.linkType, p.bytes, p.originalLenBytes, createPacketView());
      const expected = relative(alone);
      const placed = decodeRecord(inBuffer(p), createPacketView());
      assert.equal(placed.packetOffset, AT);
      assert.equal(placed.capturedEndOffset, AT + p.bytes.length);
      assert.deepEqual(relative(placed), expected);
      if (placed.transport === "tcp") {
        assert.equal(tcpChecksumOk(placed), tcpChecksumOk(alone), "checksum verdict");
      }
    });
  }

  it("a packet cut by the snaplen is not completed from the bytes after it", () => {
    const p = packets.SNAP60_DATA;
    const v = decodeRecord(inBuffer(p), createPacketView());
    assert.equal(v.truncated, true);
    assert.equal(v.stop?.reason, "truncated");
    assert.equal(v.stop?.offsetBytes, 34, "the TCP header, counted from the packet's first byte");
    assert.equal(v.payloadCapturedBytes, 0);
  });
});
