/**
 * Property test: thousands of seeded random mutations of the recorded packets (bytes flipped,
 * fields set to 0 or 0xff, packets cut or extended, lengths and link types changed) never make
 * decodePacket throw, and every offset it reports lies inside the packet.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { prng as generator } from "../testing/prng.ts";
import { createPacketView, decodeLayers, decodePacket } from "./index.ts";
import { LinkType } from "./link-types.ts";
import * as recordedPackets from "./testing/packets.ts";
import type { RecordedPacket } from "./testing/recorded-packet.ts";
import { viewDifference } from "./testing/view-difference.ts";
import { viewViolations } from "./testing/view-invariants.ts";
import type { PacketView } from "./types.ts";

const SEED = 0x5eed;
/** The view's fields compared with a fresh view's: all but the reused arrays, read up to a count. */
const SCALAR_KEYS = (Object.keys(createPacketView()) as (keyof PacketView)[]).filter(
  (key) =>
    key !== "stopStorage" &&
    key !== "vlanIds" &&
    key !== "tunnels" &&
    key !== "ipv6Ext" &&
    key !== "tcpSack" &&
    key !== "tcpOtherOptions",
);
const MUTATIONS = 6000;
const LINK_TYPES = Object.values(LinkType);

function mutate(packet: RecordedPacket, random: () => number): RecordedPacket {
  const pick = (n: number) => Math.floor(random() * n);
  let bytes = packet.bytes.slice();
  let originalLenBytes = packet.originalLenBytes;
  let linkType = packet.linkType;
  const edits = 1 + pick(4);
  for (let e = 0; e < edits; e++) {
    switch (pick(7)) {
      case 0: // flip bits in a few bytes
        for (let k = 0, n = 1 + pick(8); k < n && bytes.length > 0; k++)
          bytes[pick(bytes.length)] ^= 1 << pick(8);
        break;
      case 1: // a length, version or flag byte set to an extreme
        if (bytes.length > 0) bytes[pick(bytes.length)] = random() < 0.5 ? 0 : 0xff;
        break;
      case 2: // cut, as a snaplen would
        bytes = bytes.slice(0, pick(bytes.length + 1));
        break;
      case 3: {
        // extend with random bytes
        const longer = new Uint8Array(bytes.length + 1 + pick(64));
        longer.set(bytes);
        for (let i = bytes.length; i < longer.length; i++) longer[i] = pick(256);
        bytes = longer;
        break;
      }
      case 4: // the original length anywhere from 0 to far beyond
        originalLenBytes = random() < 0.5 ? pick(bytes.length + 1) : bytes.length + pick(70000);
        break;
      case 5: // another link type
        linkType = LINK_TYPES[pick(LINK_TYPES.length)];
        break;
      default: {
        // a random 16-bit field (lengths, ports, EtherTypes) set to a random value
        if (bytes.length > 1) {
          const at = pick(bytes.length - 1);
          bytes[at] = pick(256);
          bytes[at + 1] = pick(256);
        }
      }
    }
  }
  return { linkType, originalLenBytes, bytes };
}

describe("decodePacket on mutated packets", () => {
  it(`${MUTATIONS} seeded mutations: no throw, every offset inside the packet`, () => {
    const bases = Object.values(recordedPackets) as RecordedPacket[];
    const random = generator(SEED);
    const view = createPacketView();
    const loopView = createPacketView();
    const reasons = new Map<string, number>();
    for (let i = 0; i < MUTATIONS; i++) {
      const packet = mutate(bases[i % bases.length], random);
      try {
        decodePacket(packet.linkType, packet.bytes, packet.originalLenBytes, view);
      } catch (error) {
        assert.fail(`mutation ${i} threw: ${(error as Error).stack}`);
      }
      const problems = viewViolations(view);
      assert.deepEqual(problems, [], `mutation ${i} (seed ${SEED})`);
      // The reset clears only the layers the previous packet reached: whatever that was, the
      // reused view must read exactly as a fresh one does.
      const fresh = decodePacket(
        packet.linkType,
        packet.bytes,
        packet.originalLenBytes,
        createPacketView(),
      );
      for (const key of SCALAR_KEYS) {
        assert.deepEqual(view[key], fresh[key], `mutation ${i}: ${key} differs from a fresh view`);
      }
      // The Ethernet/IPv4/TCP fast path must leave the view as the layer loop leaves its own.
      decodeLayers(
        packet.linkType,
        packet.bytes,
        0,
        packet.bytes.length,
        packet.originalLenBytes,
        loopView,
      );
      const difference = viewDifference(view, loopView);
      assert.equal(difference, undefined, `mutation ${i}: ${difference} differs from the loop's`);
      const key = view.stop ? `${view.stop.layer} ${view.stop.reason}` : "complete";
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    // The mutations must actually reach the error paths, or the test proves little.
    assert.ok((reasons.get("complete") ?? 0) > MUTATIONS / 10);
    for (const key of ["ipv4 malformed", "ipv4 truncated", "tcp truncated", "ethernet truncated"]) {
      assert.ok((reasons.get(key) ?? 0) > 0, `no mutation stopped as ${key}`);
    }
  });

  it("every recorded packet, cut at every length, keeps its offsets inside", () => {
    const view = createPacketView();
    for (const packet of Object.values(recordedPackets) as RecordedPacket[]) {
      for (let n = 0; n <= packet.bytes.length; n++) {
        decodePacket(packet.linkType, packet.bytes.subarray(0, n), packet.originalLenBytes, view);
        assert.deepEqual(viewViolations(view), [], `cut at ${n}`);
        if (n < packet.bytes.length) assert.equal(view.truncated, true);
      }
    }
  });
});
