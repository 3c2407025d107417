import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPacketView, decodePacket } from "./index.ts";
import { decodeRecorded } from "./testing/decode-recorded.ts";
import {
  GRE_ERSPAN,
  IPIP_VXLAN,
  LO_UDP4,
  SACK_ACK,
  SNAP60_SYN,
  VLAN_QINQ,
} from "./testing/packets.ts";

describe("decodePacket", () => {
  it("an unsupported link type is reported, never thrown", () => {
    const v = decodePacket(105, LO_UDP4.bytes, LO_UDP4.originalLenBytes, createPacketView());
    assert.equal(v.link, "unsupported");
    assert.equal(v.linkType, 105);
    assert.deepEqual(
      { ...v.stop },
      {
        layer: "link",
        reason: "unsupported",
        offsetBytes: 0,
        neededBytes: 0,
        availableBytes: 54,
        detail: "link type not decoded",
      },
    );
  });

  it("an empty packet stops at the link header", () => {
    const v = decodePacket(1, new Uint8Array(0), 0, createPacketView());
    assert.equal(v.stop?.layer, "ethernet");
    assert.equal(v.stop?.reason, "malformed");
    const cutToNothing = decodePacket(1, new Uint8Array(0), 60, createPacketView());
    assert.equal(cutToNothing.stop?.reason, "truncated");
    assert.equal(cutToNothing.truncated, true);
  });

  it("a reused view carries nothing over from the previous packet", () => {
    const view = createPacketView();
    for (const previous of [SACK_ACK, VLAN_QINQ, IPIP_VXLAN, GRE_ERSPAN, SNAP60_SYN]) {
      decodeRecorded(previous, view);
      const v = decodeRecorded(LO_UDP4, view);
      const fresh = decodeRecorded(LO_UDP4);
      for (const key of Object.keys(fresh) as (keyof typeof fresh)[]) {
        if (key === "stopStorage" || key === "tcpSack" || key === "tcpOtherOptions") continue;
        if (key === "vlanIds" || key === "tunnels" || key === "ipv6Ext") continue;
        assert.deepEqual(v[key], fresh[key], `${key} after ${previous.bytes.length}-byte packet`);
      }
    }
  });

  it("returns the view it was given, with the input recorded", () => {
    const view = createPacketView();
    const v = decodePacket(1, LO_UDP4.bytes, 54, view);
    assert.equal(v, view);
    assert.equal(v.bytes, LO_UDP4.bytes);
    assert.equal(v.originalLenBytes, 54);
    assert.equal(v.truncated, false);
  });
});
