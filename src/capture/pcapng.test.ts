import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { requireCommand } from "../testing/corpus.ts";
import { prng } from "../testing/fuzz.ts";
import { MAX_PACKET_BYTES } from "./limits.ts";
import {
  block,
  concat,
  customBlock,
  dsb,
  epb,
  idb,
  isb,
  nrb,
  opb,
  payload,
  shb,
  spb,
  text,
  u32Bytes,
  u64Bytes,
} from "./testing/capture-bytes.ts";
import { feedInChunks, readAll, readBytes } from "./testing/read-bytes.ts";
import { CaptureError } from "./types.ts";

// 2025-11-24T16:00:00.123456Z in microseconds.
const US = 1_764_000_000_123_456n;
const hiOf = (t: bigint) => Number(t >> 32n);
const loOf = (t: bigint) => Number(t & 0xffffffffn);

/**
 * Two sections of different byte order. Section 0 (little-endian): interface 0 Ethernet in
 * microseconds; interface 1 raw IP in nanoseconds with if_tsoffset -3600. Section 1 (big-endian):
 * its interface 0 (global 2) Ethernet in 2^-20 s units.
 */
function twoSections(): Uint8Array {
  const ns = US * 1000n + 789n;
  const binary = (US * 1_048_576n) / 1_000_000n; // the same instant in 2^-20 s ticks
  return concat(
    shb(true, [
      [1, text("section zero")],
      [2, text("x86_64")],
      [3, text("Linux 6.1")],
      [4, text("wirewhy test")],
    ]),
    idb(true, 1, 262_144, [
      [2, text("eth0")],
      [1, text("uplink")],
      [11, concat(Uint8Array.of(0), text("tcp port 80"))],
    ]),
    idb(true, 101, 0, [
      [9, Uint8Array.of(9)],
      [14, u64Bytes(0xffffffff, 0xfffff1f0, true)], // -3600
      [13, Uint8Array.of(4)],
    ]),
    nrb(true, [
      [Uint8Array.of(10, 0, 0, 1), ["db.internal", "db"]],
      [Uint8Array.of(0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), ["v6.internal"]],
    ]),
    epb(true, {
      interfaceId: 0,
      tsHi: hiOf(US),
      tsLo: loOf(US),
      data: payload(60),
      originalLen: 60,
      opts: [
        [2, u32Bytes(1, true)], // inbound
        [1, text("first")],
        [1, text("second")],
      ],
    }),
    epb(true, {
      interfaceId: 1,
      tsHi: hiOf(ns),
      tsLo: loOf(ns),
      data: payload(41, 1),
      originalLen: 1500,
      opts: [[2, u32Bytes(2, true)]], // outbound
    }),
    customBlock(true, true, text("ignore me")),
    spb(true, payload(20, 2)),
    dsb(true, 0x544c534b, text("CLIENT_RANDOM 00 11\n")),
    isb(true, 0, hiOf(US + 5n), loOf(US + 5n), [
      [4, u64Bytes(0, 1000, true)],
      [5, u64Bytes(0, 3, true)],
      [7, u64Bytes(0, 2, true)],
    ]),
    block(true, 0x0000beef, payload(8)), // a type nobody defined
    shb(false),
    idb(false, 1, 128, [[9, Uint8Array.of(0x80 | 20)]]),
    epb(false, { interfaceId: 0, tsHi: hiOf(binary), tsLo: loOf(binary), data: payload(128, 3) }),
    opb(false, { interfaceId: 0, tsHi: hiOf(binary), tsLo: loOf(binary) + 1, data: payload(7, 4) }),
    customBlock(false, false, text("nor me")),
  );
}

test("sections of both byte orders, per-section interface ids, every block type", async () => {
  const { meta, packets } = await readBytes(twoSections());
  assert.equal(meta.format, "pcapng");
  assert.deepEqual(meta.warnings, []);
  assert.deepEqual(
    meta.sections.map((s) => [s.index, s.byteOrder, s.versionMajor, s.offsetBytes > 0]),
    [
      [0, "little", 1, false],
      [1, "big", 1, true],
    ],
  );
  assert.deepEqual(meta.sections[0].comments, ["section zero"]);
  assert.equal(meta.sections[0].hardware, "x86_64");
  assert.equal(meta.sections[0].os, "Linux 6.1");
  assert.equal(meta.sections[0].application, "wirewhy test");

  assert.deepEqual(
    meta.interfaces.map((i) => [
      i.index,
      i.sectionIndex,
      i.linkTypeName,
      i.snapLenBytes,
      i.tsUnitsPerSec,
      i.tsOffsetSec,
    ]),
    [
      [0, 0, "EN10MB", 262_144, 1e6, 0],
      [1, 0, "RAW", 0, 1e9, -3600],
      [2, 1, "EN10MB", 128, 2 ** 20, 0],
    ],
  );
  assert.equal(meta.interfaces[0].name, "eth0");
  assert.deepEqual(meta.interfaces[0].comments, ["uplink"]);
  assert.equal(meta.interfaces[0].filter, "tcp port 80");
  assert.equal(meta.interfaces[1].fcsLenBytes, 4);
  assert.deepEqual(meta.interfaces[0].statistics, {
    tsSec: 1_764_000_000,
    tsNsec: 123_461_000,
    received: 1000,
    dropped: 3,
    droppedByOs: 2,
  });
  assert.deepEqual(meta.names, [
    { address: "10.0.0.1", names: ["db.internal", "db"] },
    { address: "fd00::1", names: ["v6.internal"] },
  ]);
  assert.deepEqual(meta.secrets, [{ type: "tls-key-log", text: "CLIENT_RANDOM 00 11\n" }]);
  assert.deepEqual(meta.skippedBlocks, { "0x00000bad": 1, "0x40000bad": 1, "0x0000beef": 1 });

  assert.deepEqual(
    packets.map((p) => [
      p.frame,
      p.interfaceIndex,
      p.linkType,
      p.tsSec,
      p.tsNsec,
      p.hasTimestamp,
      p.data.length,
      p.originalLenBytes,
      p.direction,
      p.comments,
    ]),
    [
      [1, 0, 1, 1_764_000_000, 123_456_000, true, 60, 60, "inbound", ["first", "second"]],
      [2, 1, 101, 1_764_000_000 - 3600, 123_456_789, true, 41, 1500, "outbound", undefined],
      // The Simple Packet Block: interface 0 of its section, the previous packet's time.
      [3, 0, 1, 1_764_000_000 - 3600, 123_456_789, false, 20, 20, undefined, undefined],
      // 2^-20 s ticks, truncated to whole nanoseconds (checked with Python's integers:
      // t = US * 2**20 // 10**6; (t % 2**20) * 10**9 // 2**20 and the same for t + 1).
      [4, 2, 1, 1_764_000_000, 123_455_047, true, 128, 128, undefined, undefined],
      [5, 2, 1, 1_764_000_000, 123_456_001, true, 7, 7, undefined, undefined],
    ],
  );
  assert.deepEqual(packets[3].data, payload(128, 3));
});

test("pcapng through gzip and in chunks of every size gives identical packets", async () => {
  const file = twoSections();
  const plain = await readBytes(file);
  const gz = await readBytes(file, { gzip: true, name: "case.pcapng.gz" });
  assert.deepEqual(gz.packets, plain.packets);
  assert.deepEqual(gz.meta.interfaces, plain.meta.interfaces);
  const random = prng(5);
  for (const maxChunk of [1, 3, 64, 1000]) {
    const chunked = feedInChunks(file, () => 1 + Math.floor(random() * maxChunk), 16);
    assert.deepEqual(chunked.packets, plain.packets, `chunks up to ${maxChunk} bytes`);
    assert.deepEqual(chunked.meta.names, plain.meta.names);
  }
});

function simpleFile(extra: Uint8Array[], le = true): { head: Uint8Array; file: Uint8Array } {
  const head = concat(
    shb(le),
    idb(le, 1, 0),
    epb(le, { interfaceId: 0, tsHi: hiOf(US), tsLo: loOf(US), data: payload(60) }),
  );
  return { head, file: concat(head, ...extra) };
}

const goodEpb = epb(true, {
  interfaceId: 0,
  tsHi: hiOf(US),
  tsLo: loOf(US) + 9,
  data: payload(61),
});

test("leading and trailing block lengths that disagree: packets before, then one warning", async () => {
  const bad = epb(true, { interfaceId: 0, tsHi: 0, tsLo: 0, data: payload(40) }, { trailer: 999 });
  const { head, file } = simpleFile([bad, goodEpb]);
  const { meta, packets } = await readBytes(file);
  assert.equal(packets.length, 1);
  assert.equal(meta.warnings.length, 1);
  assert.equal(meta.warnings[0].code, "block-length-mismatch");
  assert.equal(meta.warnings[0].offsetBytes, head.length);
  assert.equal(meta.warnings[0].frame, 2);
  assert.match(meta.warnings[0].message, /starts with length 72 but ends with length 999/);
  assert.equal(meta.stoppedEarly, true);
});

test("block lengths that are not a multiple of 4, too small, or absurdly large stop reading", async () => {
  const cases: Array<[number, string]> = [
    [82, "block-length-unaligned"],
    [8, "block-too-small"],
    [0x7ffffff0, "block-too-large"],
  ];
  for (const [length, code] of cases) {
    const bad = epb(true, { interfaceId: 0, tsHi: 0, tsLo: 0, data: payload(40) }, { length });
    const { head, file } = simpleFile([bad, goodEpb]);
    const { meta, packets } = await readBytes(file);
    assert.equal(packets.length, 1, code);
    assert.equal(meta.warnings.length, 1, code);
    assert.equal(meta.warnings[0].code, code);
    assert.equal(meta.warnings[0].offsetBytes, head.length, code);
  }
});

test("a file cut inside a block: truncated-record at the block's offset", async () => {
  const { head, file } = simpleFile([goodEpb]);
  const { meta, packets } = await readBytes(file.subarray(0, file.length - 10));
  assert.equal(packets.length, 1);
  assert.equal(meta.warnings[0].code, "truncated-record");
  assert.equal(meta.warnings[0].offsetBytes, head.length);
  assert.match(meta.warnings[0].message, /ends 86 bytes into a 96-byte block \(type 0x00000006\)/);
});

test("a section with no interface: its packet blocks are skipped with one warning, reading goes on", async () => {
  const orphan = (i: number) => epb(false, { interfaceId: 0, tsHi: 0, tsLo: i, data: payload(10) });
  const { head, file } = simpleFile([shb(false), orphan(1), orphan(2), spb(false, payload(5))]);
  const tail = concat(shb(true), idb(true, 1, 0), goodEpb);
  const { meta, packets } = await readBytes(concat(file, tail));
  assert.equal(packets.length, 2);
  assert.equal(packets[1].interfaceIndex, 1);
  assert.equal(meta.warnings.length, 1);
  const w = meta.warnings[0];
  assert.equal(w.code, "undefined-interface");
  assert.equal(w.offsetBytes, head.length + shb(false).length);
  assert.equal(w.count, 3);
  assert.match(w.message, /names interface 0 but section 1 describes 0 interface/);
  assert.equal(meta.stoppedEarly, false);
});

test("an option longer than its block: the packet is kept, the option ignored, one warning", async () => {
  const packet = epb(true, {
    interfaceId: 0,
    tsHi: 0,
    tsLo: 5,
    data: payload(8),
    opts: [[1, text("ok")]],
  });
  // Patch the comment option's length (at data offset 28 + 8) from 2 to 0x3030.
  const view = new DataView(packet.buffer);
  view.setUint16(28 + 8 + 2, 0x3030, true);
  const { head, file } = simpleFile([packet, goodEpb]);
  const { meta, packets } = await readBytes(file);
  assert.equal(packets.length, 3);
  assert.equal(packets[1].comments, undefined);
  assert.deepEqual(packets[1].data, payload(8));
  assert.equal(meta.warnings[0].code, "option-overrun");
  assert.equal(meta.warnings[0].offsetBytes, head.length + 28 + 8);
  assert.match(meta.warnings[0].message, /option 1 of a packet block claims 12336 bytes/);
});

test("a packet longer than its block, or than 256 KiB, skips that block only", async () => {
  const lying = epb(true, {
    interfaceId: 0,
    tsHi: 0,
    tsLo: 1,
    data: payload(16),
    capLenField: 400,
  });
  const huge = epb(true, { interfaceId: 0, tsHi: 0, tsLo: 2, data: payload(MAX_PACKET_BYTES + 4) });
  const { head, file } = simpleFile([lying, huge, goodEpb]);
  const { meta, packets } = await readBytes(file);
  assert.equal(packets.length, 2);
  assert.deepEqual(
    meta.warnings.map((w) => [w.code, w.offsetBytes]),
    [
      ["malformed-block", head.length],
      ["record-too-large", head.length + lying.length],
    ],
  );
  assert.match(meta.warnings[1].message, /262148-byte packet, bigger than the maximum of 262144/);
});

test("a section of version 2.0 is skipped up to the next section (tshark stops there)", async () => {
  const v2 = concat(shb(true, [], [2, 0]), idb(true, 1, 0), goodEpb, goodEpb);
  const { head, file } = simpleFile([v2, shb(true), idb(true, 228, 0), goodEpb]);
  const { meta, packets } = await readBytes(file);
  assert.equal(packets.length, 2);
  assert.equal(packets[1].linkType, 228);
  assert.equal(packets[1].interfaceIndex, 1);
  assert.deepEqual(
    meta.sections.map((s) => `${s.versionMajor}.${s.versionMinor}`),
    ["1.0", "2.0", "1.0"],
  );
  assert.equal(meta.warnings.length, 1);
  assert.equal(meta.warnings[0].code, "unsupported-section-version");
  assert.equal(meta.warnings[0].offsetBytes, head.length);
  assert.match(meta.warnings[0].message, /version 2\.0; .* its 3 blocks were skipped/);
});

test("a broken first section header makes the file unusable: WW_ERR_BAD_HEADER", async () => {
  const file = concat(shb(true, [], [1, 0], { trailer: 0x30303030 }), idb(true, 1, 0), goodEpb);
  await assert.rejects(readBytes(file), (e: unknown) => {
    assert.ok(e instanceof CaptureError);
    assert.equal(e.code, "WW_ERR_BAD_HEADER");
    assert.equal(e.offsetBytes, 0);
    assert.match(e.message, /starts with length 28 but ends with length 808464432/);
    return true;
  });
});

test("a later section header with a wrong byte-order magic stops reading there", async () => {
  const bad = shb(true);
  bad.set([1, 2, 3, 4], 8);
  const { head, file } = simpleFile([bad, goodEpb]);
  const { meta, packets } = await readBytes(file);
  assert.equal(packets.length, 1);
  assert.equal(meta.warnings[0].code, "bad-section-header");
  assert.equal(meta.warnings[0].offsetBytes, head.length);
});

test("a big-endian file reads like its little-endian twin", async () => {
  const le = await readBytes(simpleFile([goodEpb]).file);
  const be = await readBytes(
    simpleFile(
      [epb(false, { interfaceId: 0, tsHi: hiOf(US), tsLo: loOf(US) + 9, data: payload(61) })],
      false,
    ).file,
  );
  assert.deepEqual(be.packets, le.packets);
  assert.equal(be.meta.sections[0].byteOrder, "big");
});

test("timestamps at eleven if_tsresol values agree with tshark, and with BigInt where tshark overflows", async (t) => {
  if (!requireCommand(t, "tshark")) return;
  // [if_tsresol byte, high word]; low word 0x9abcdef1 for all.
  const cases: Array<[number, number]> = [
    [3, 400],
    [6, 0x180000],
    [9, 0x6000000],
    [10, 0x3d000000],
    [0x80 | 10, 0x7],
    [0x80 | 20, 0x17c1],
    [0x80 | 30, 0x5f0000],
    [0x80 | 33, 0x2fa00000],
    // tshark computes (ticks % units) * 1e9 in 64 bits, which overflows for units above ~1.8e10:
    [11, 0xff000000],
    [12, 0x12345678],
    [0x80 | 40, 0xfffff],
  ];
  const lo = 0x9abcdef1;
  const file = concat(
    shb(true),
    ...cases.map(([resol]) => idb(true, 1, 0, [[9, Uint8Array.of(resol)]])),
    ...cases.map(([, hi], i) =>
      epb(true, { interfaceId: i, tsHi: hi, tsLo: lo, data: payload(20) }),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-tsresol-"));
  try {
    const path = join(dir, "tsresol.pcapng");
    writeFileSync(path, file);
    const ours = (await readAll(path)).packets.map(
      (p) => `${p.tsSec}.${String(p.tsNsec).padStart(9, "0")}`,
    );
    const theirs = execFileSync("tshark", ["-r", path, "-T", "fields", "-e", "frame.time_epoch"], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim()
      .split("\n");
    assert.deepEqual(ours.slice(0, 8), theirs.slice(0, 8));
    const exact = cases.slice(8).map(([resol, hi]) => {
      const ticks = (BigInt(hi) << 32n) | BigInt(lo);
      const units = resol & 0x80 ? 2n ** BigInt(resol & 0x7f) : 10n ** BigInt(resol);
      return `${ticks / units}.${String(((ticks % units) * 1_000_000_000n) / units).padStart(9, "0")}`;
    });
    assert.deepEqual(ours.slice(8), exact);
    assert.deepEqual(ours.slice(8), ["183746864.822676927", "1311768.467463790", "4095.998454861"]);
    assert.notDeepEqual(theirs.slice(8), exact);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("metadata is bounded: 65,537 interfaces stop reading, 10,001 comments keep 10,000", async () => {
  const one = idb(true, 1, 0);
  const many = new Uint8Array(one.length * 65_537);
  for (let i = 0; i < 65_537; i++) many.set(one, i * one.length);
  const head = shb(true);
  const { meta } = await readBytes(concat(head, many, goodEpb));
  assert.equal(meta.interfaces.length, 65_536);
  assert.deepEqual(
    meta.warnings.map((w) => [w.code, w.offsetBytes]),
    [["metadata-limit", head.length + 65_536 * one.length]],
  );
  assert.equal(meta.stoppedEarly, true);

  const comments = Array.from({ length: 10_001 }, (_, i): [number, Uint8Array] => [
    1,
    text(`c${i}`),
  ]);
  const chatty = await readBytes(concat(shb(true), idb(true, 1, 0, comments), goodEpb));
  assert.equal(chatty.meta.interfaces[0].comments.length, 10_000);
  assert.equal(chatty.meta.interfaces[0].comments[9_999], "c9999");
  assert.equal(chatty.meta.warnings[0].code, "metadata-limit");
  assert.equal(chatty.packets.length, 1);
});
