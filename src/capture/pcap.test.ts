import assert from "node:assert/strict";
import { test } from "node:test";
import { prng } from "../testing/fuzz.ts";
import { MAX_PACKET_BYTES } from "./limits.ts";
import {
  concat,
  type PcapRecord,
  payload,
  pcapFile,
  pcapHeader,
  pcapRecord,
} from "./testing/capture-bytes.ts";
import { feedInChunks, readBytes } from "./testing/read-bytes.ts";
import { CaptureError } from "./types.ts";

const T0 = 1_764_000_000; // 2025-11-24

function records(n: number, sizes = [60, 1514, 74]): PcapRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    sec: T0 + i,
    fraction: 1000 * i + 7,
    data: payload(sizes[i % sizes.length], i),
  }));
}

test("little-endian microsecond pcap: header, every record, offsets and timestamps", async () => {
  const file = pcapFile({ snapLen: 65535, linkField: 1 }, records(3));
  const { meta, packets } = await readBytes(file);
  assert.equal(meta.format, "pcap");
  assert.deepEqual(meta.pcap, {
    versionMajor: 2,
    versionMinor: 4,
    nanosecond: false,
    byteOrder: "little",
  });
  assert.equal(meta.interfaces.length, 1);
  assert.equal(meta.interfaces[0].linkTypeName, "EN10MB");
  assert.equal(meta.interfaces[0].snapLenBytes, 65535);
  assert.equal(meta.interfaces[0].tsUnitsPerSec, 1e6);
  assert.equal(meta.packets, 3);
  assert.equal(meta.fileBytes, file.length);
  assert.deepEqual(meta.warnings, []);
  assert.equal(meta.stoppedEarly, false);
  assert.deepEqual(
    packets.map((p) => [p.frame, p.fileOffset, p.tsSec, p.tsNsec, p.data.length]),
    [
      [1, 24, T0, 7_000, 60],
      [2, 24 + 16 + 60, T0 + 1, 1_007_000, 1514],
      [3, 24 + 16 + 60 + 16 + 1514, T0 + 2, 2_007_000, 74],
    ],
  );
  assert.deepEqual(packets[1].data, payload(1514, 1));
  assert.equal(packets[0].linkType, 1);
  assert.equal(packets[0].interfaceIndex, 0);
  assert.equal(packets[0].hasTimestamp, true);
});

test("big-endian nanosecond pcap reads the same packets", async () => {
  const recs = records(4);
  recs[3].fraction = 999_999_999;
  const { meta, packets } = await readBytes(
    pcapFile({ littleEndian: false, nanosecond: true, linkField: 113 }, recs),
  );
  assert.deepEqual(meta.pcap, {
    versionMajor: 2,
    versionMinor: 4,
    nanosecond: true,
    byteOrder: "big",
  });
  assert.equal(meta.interfaces[0].linkTypeName, "LINUX_SLL");
  assert.equal(meta.interfaces[0].tsUnitsPerSec, 1e9);
  assert.deepEqual(
    packets.map((p) => [p.tsSec, p.tsNsec]),
    [
      [T0, 7],
      [T0 + 1, 1007],
      [T0 + 2, 2007],
      [T0 + 3, 999_999_999],
    ],
  );
  assert.deepEqual(packets[2].data, payload(74, 2));
});

test("the file, gzip and 1..N-byte chunk paths share one parser and agree exactly", async () => {
  const file = pcapFile({}, records(40, [1, 60, 1514, 9000, 0, 3]));
  const plain = await readBytes(file);
  const gz = await readBytes(file, { gzip: true });
  assert.equal(gz.meta.compression, "gzip");
  assert.deepEqual(gz.packets, plain.packets);
  const random = prng(3);
  for (const maxChunk of [1, 7, 100, 5000]) {
    const chunked = feedInChunks(file, () => 1 + Math.floor(random() * maxChunk));
    assert.deepEqual(chunked.packets, plain.packets, `chunks up to ${maxChunk} bytes`);
    assert.equal(chunked.meta.fileBytes, file.length);
  }
});

test("a record larger than the read buffer grows it once and is read whole", () => {
  const big = payload(MAX_PACKET_BYTES, 9);
  const file = pcapFile({}, [
    { sec: T0, fraction: 0, data: payload(10) },
    { sec: T0, fraction: 1, data: big },
    { sec: T0, fraction: 2, data: payload(10, 1) },
  ]);
  const { meta, packets } = feedInChunks(file, () => 4096, 64);
  assert.equal(meta.packets, 3);
  assert.deepEqual(packets[1].data, big);
  assert.deepEqual(meta.warnings, []);
});

test("a file cut inside a record: every whole packet, then truncated-record at its offset", async () => {
  const file = pcapFile({}, records(5));
  // The 5th record holds 1514 bytes; cut its last 30.
  const { meta, packets } = await readBytes(file.subarray(0, file.length - 30));
  assert.equal(packets.length, 4);
  const fifth = 24 + (16 + 60) + (16 + 1514) + (16 + 74) + (16 + 60);
  assert.equal(meta.warnings.length, 1);
  assert.equal(meta.warnings[0].code, "truncated-record");
  assert.equal(meta.warnings[0].offsetBytes, fifth);
  assert.equal(meta.warnings[0].frame, 5);
  assert.match(meta.warnings[0].message, /1500 of 1530 bytes/);
  assert.equal(meta.stoppedEarly, true);
});

test("a file cut inside a record header says so", async () => {
  const file = pcapFile({}, records(2));
  const { meta, packets } = await readBytes(file.subarray(0, 24 + 16 + 60 + 9));
  assert.equal(packets.length, 1);
  assert.equal(meta.warnings[0].code, "truncated-record");
  assert.equal(meta.warnings[0].offsetBytes, 24 + 16 + 60);
  assert.match(meta.warnings[0].message, /inside a record header \(9 of 16 bytes\)/);
});

test("a file cut inside the file header is unusable: WW_ERR_BAD_HEADER", async () => {
  await assert.rejects(readBytes(pcapHeader().subarray(0, 20)), (e: unknown) => {
    assert.ok(e instanceof CaptureError);
    assert.equal(e.code, "WW_ERR_BAD_HEADER");
    assert.match(e.message, /ends after 20 bytes, inside its 24-byte file header/);
    return true;
  });
});

test("a header-only pcap is an empty capture, not an error", async () => {
  const { meta, packets } = await readBytes(pcapHeader());
  assert.equal(packets.length, 0);
  assert.deepEqual(meta.warnings, []);
  assert.equal(meta.stoppedEarly, false);
});

test("garbage in the middle: packets before, resynchronised packets after, one warning", async () => {
  const recs = records(6);
  const before = concat(pcapHeader(), ...recs.slice(0, 3).map((r) => pcapRecord(r)));
  // 37 bytes of garbage whose first word pair reads as a caplen of 0x41414141.
  const garbage = new Uint8Array(37).fill(0x41);
  const after = concat(...recs.slice(3).map((r) => pcapRecord(r)));
  const { meta, packets } = await readBytes(concat(before, garbage, after));
  assert.deepEqual(
    packets.map((p) => p.tsSec),
    [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5],
  );
  assert.equal(packets[3].fileOffset, before.length + garbage.length);
  assert.equal(meta.warnings.length, 1);
  const w = meta.warnings[0];
  assert.equal(w.code, "record-too-large");
  assert.equal(w.offsetBytes, before.length);
  assert.equal(w.skippedBytes, 37);
  assert.equal(w.frame, 4);
  assert.match(
    w.message,
    /1094795585-byte packet, bigger than the maximum of 262144: skipped 37 bytes/,
  );
  assert.equal(meta.stoppedEarly, false);
});

test("garbage with no plausible record after it: stop, say where, keep what came before", async () => {
  const recs = records(2);
  const before = concat(pcapHeader(), ...recs.map((r) => pcapRecord(r)));
  const random = prng(11);
  const garbage = Uint8Array.from({ length: 5000 }, () => Math.floor(random() * 256));
  garbage.set([0xff, 0xff, 0xff, 0x7f], 8); // caplen 0x7fffffff
  const { meta, packets } = await readBytes(concat(before, garbage));
  assert.equal(packets.length, 2);
  assert.equal(meta.warnings.length, 1);
  assert.equal(meta.warnings[0].code, "record-too-large");
  assert.equal(meta.warnings[0].offsetBytes, before.length);
  assert.equal(meta.warnings[0].skippedBytes, undefined);
  assert.match(meta.warnings[0].message, /no plausible record header follows/);
  assert.equal(meta.stoppedEarly, true);
});

test("caplen of exactly 262144 is accepted, 262145 is damage", async () => {
  const ok = await readBytes(
    pcapFile({}, [{ sec: T0, fraction: 0, data: payload(MAX_PACKET_BYTES) }]),
  );
  assert.equal(ok.packets.length, 1);
  const bad = await readBytes(
    pcapFile({}, [
      {
        sec: T0,
        fraction: 0,
        data: payload(MAX_PACKET_BYTES + 1),
        capLenField: MAX_PACKET_BYTES + 1,
      },
    ]),
  );
  assert.equal(bad.packets.length, 0);
  assert.equal(bad.meta.warnings[0].code, "record-too-large");
  assert.equal(bad.meta.warnings[0].offsetBytes, 24);
});

test("caplen above the header's snaplen is read, with one warning for all such records", async () => {
  const { meta, packets } = await readBytes(pcapFile({ snapLen: 64 }, records(6)));
  assert.equal(packets.length, 6);
  assert.equal(meta.warnings.length, 1);
  assert.equal(meta.warnings[0].code, "caplen-exceeds-snaplen");
  assert.equal(meta.warnings[0].frame, 2);
  assert.equal(meta.warnings[0].count, 4); // frames 2, 3, 5, 6 (1514 and 74 bytes)
  assert.equal(meta.warnings[0].offsetBytes, 24 + 16 + 60);
});

test("version 1.4 with sane records: read with a warning; with garbage records: an error", async () => {
  const sane = await readBytes(pcapFile({ versionMajor: 1 }, records(2)));
  assert.equal(sane.packets.length, 2);
  assert.equal(sane.meta.warnings[0].code, "unsupported-version");
  assert.equal(sane.meta.warnings[0].offsetBytes, 4);
  assert.match(sane.meta.warnings[0].message, /version 1\.4/);

  const insane = concat(pcapHeader({ versionMajor: 3 }), new Uint8Array(64).fill(0xee));
  await assert.rejects(readBytes(insane), (e: unknown) => {
    assert.ok(e instanceof CaptureError);
    assert.equal(e.code, "WW_ERR_BAD_HEADER");
    assert.match(e.message, /version 3\.4 is not supported .* does not look like a pcap record/);
    return true;
  });
});

test("link-type reserved bits are masked with a warning; FCS bits give fcsLenBytes", async () => {
  const reserved = await readBytes(pcapFile({ linkField: 0x00300001 }, records(1)));
  assert.equal(reserved.packets[0].linkType, 1);
  assert.equal(reserved.meta.interfaces[0].linkType, 1);
  assert.equal(reserved.meta.warnings[0].code, "linktype-reserved-bits");
  assert.equal(reserved.meta.warnings[0].offsetBytes, 20);
  // P bit set, FCS length 2 (16-bit words) = 4 bytes; not reserved, no warning.
  const fcs = await readBytes(pcapFile({ linkField: 0x24000001 }, records(1)));
  assert.equal(fcs.meta.interfaces[0].fcsLenBytes, 4);
  assert.deepEqual(fcs.meta.warnings, []);
});

test("a fraction of a second >= 1e6 carries into the seconds, with one counted warning", async () => {
  const recs = records(3);
  recs[1].fraction = 2_500_000; // 2.5 s of microseconds
  recs[2].fraction = 1_000_000;
  const { meta, packets } = await readBytes(pcapFile({}, recs));
  assert.deepEqual(
    packets.map((p) => [p.tsSec, p.tsNsec]),
    [
      [T0, 7_000],
      [T0 + 1 + 2, 500_000_000],
      [T0 + 2 + 1, 0],
    ],
  );
  assert.equal(meta.warnings[0].code, "timestamp-fraction-overflow");
  assert.equal(meta.warnings[0].count, 2);
  assert.equal(meta.warnings[0].frame, 2);
});

test("maxPackets and a callback returning false stop reading early", async () => {
  const file = pcapFile({}, records(10));
  const limited = await readBytes(file, { maxPackets: 4 });
  assert.equal(limited.packets.length, 4);
  assert.equal(limited.meta.packets, 4);
  assert.equal(limited.meta.stoppedEarly, true);
  assert.deepEqual(limited.meta.warnings, []);
});
