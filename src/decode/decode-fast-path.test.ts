/**
 * The Ethernet/IPv4/TCP fast path (ethernet-ipv4-tcp.ts) against the layer loop it stands in for:
 * every packet of every capture in the shared corpus and of the project's own recordings is
 * decoded both ways, each way into its own reused view, and the two views must read alike after
 * every packet (so the fast path's shorter reset is checked against whatever came before too).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readCapture } from "../capture/index.ts";
import { CaptureError } from "../capture/types.ts";
import { allTestCaptures, requireCorpus } from "../testing/corpus.ts";
import { decodeEthernetIpv4Tcp } from "./ethernet-ipv4-tcp.ts";
import { createPacketView, decodeLayers, decodeRecord } from "./index.ts";
import { LinkType } from "./link-types.ts";
import { viewDifference } from "./testing/view-difference.ts";

test("the fast path decodes every corpus and lab packet as the layer loop does", async (t) => {
  if (!requireCorpus(t)) return;
  const files = allTestCaptures();
  const loop = createPacketView();
  const fast = createPacketView();
  const probe = createPacketView();
  let packets = 0;
  let taken = 0;
  for (const file of files) {
    try {
      await readCapture(file, (record) => {
        packets++;
        decodeLayers(
          record.linkType,
          record.bytes,
          record.dataOffset,
          record.capturedLenBytes,
          record.originalLenBytes,
          loop,
        );
        decodeRecord(record, fast);
        const difference = viewDifference(loop, fast);
        if (difference !== undefined) {
          assert.fail(`${file} frame ${record.frame}: ${difference} differs`);
        }
        if (
          record.linkType === LinkType.ETHERNET &&
          decodeEthernetIpv4Tcp(
            probe,
            record.bytes,
            record.dataOffset,
            record.capturedLenBytes,
            record.originalLenBytes,
          )
        ) {
          taken++;
        }
      });
    } catch (error) {
      // Broken corpus files end with a CaptureError; their packets up to there were compared.
      if (!(error instanceof CaptureError)) throw error;
    }
  }
  // Both paths must have been exercised, each on many packets.
  assert.ok(taken > 8_000, `fast path taken for ${taken} of ${packets} packets`);
  assert.ok(packets - taken > 1_000, `layer loop alone for ${packets - taken} packets`);
});
