/**
 * Every capture of the shared corpus, read in place and compared with tshark 4.0.17's figures
 * (REFERENCE.tsv), and, where tshark/capinfos are installed, packet by packet with their output.
 * Where wirewhy deliberately reads differently from tshark, the case below says how and why.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { corpusPath, readReference, requireCommand, requireCorpus } from "../testing/corpus.ts";
import { readCapture } from "./index.ts";
import { feedInChunks, readAll } from "./testing/read-bytes.ts";
import { READ_DIFFERENCES as EXPECTED } from "./testing/reference-expectations.ts";
import { CaptureError, type CaptureWarning } from "./types.ts";

const warningsOf = (ws: CaptureWarning[]) => ws.map((w) => [w.code, w.offsetBytes]);

test("every corpus capture: packet count and warnings against tshark's reference", async (t) => {
  if (!requireCorpus(t)) return;
  const rows = readReference();
  assert.ok(rows.length >= 70, `only ${rows.length} reference rows`);
  for (const row of rows) {
    const expected = EXPECTED[row.file];
    if (row.file === "shb-option-too-long.pcapng") continue; // its own test below
    const meta = await readCapture(corpusPath(row.file), () => {});
    if (expected) {
      assert.equal(meta.packets, expected.packets, `${row.file}: ${expected.why}`);
      assert.deepEqual(warningsOf(meta.warnings), expected.warnings, row.file);
      assert.equal(meta.stoppedEarly, expected.stoppedEarly ?? false, row.file);
      if (row.file.startsWith("hk-")) {
        const custom = Object.values(meta.skippedBlocks).reduce((a, b) => a + b, 0);
        assert.equal(meta.packets + custom, Number(row.packets), row.file);
      }
    } else {
      assert.equal(row.tshark_exit, "0", `${row.file}: tshark failed but no expectation says why`);
      assert.equal(meta.packets, Number(row.packets), row.file);
      assert.deepEqual(meta.warnings, [], row.file);
      assert.equal(meta.stoppedEarly, false, row.file);
    }
  }
});

test("timestamp_invalid_nano.pcap: nanosecond fractions of 1e9 and more carry into the seconds", async (t) => {
  if (!requireCorpus(t)) return;
  const { meta, packets } = await readAll(corpusPath("timestamp_invalid_nano.pcap"));
  // Fractions on disk: 999999999, 1000000000, 2147483648 (tshark prints 1418145370.1000000000
  // and a negative time for the last).
  assert.deepEqual(
    packets.map((p) => [p.tsSec, p.tsNsec]),
    [
      [1418145369, 999_999_999],
      [1418145371, 0],
      [1418145372, 147_483_648],
    ],
  );
  assert.equal(meta.warnings[0].count, 2);
  assert.equal(meta.warnings[0].frame, 2);
});

test("shb-option-too-long.pcapng: the section header is unusable, and the error says why", async (t) => {
  if (!requireCorpus(t)) return;
  await assert.rejects(
    readCapture(corpusPath("shb-option-too-long.pcapng"), () => {}),
    (e) => {
      assert.ok(e instanceof CaptureError);
      assert.equal(e.code, "WW_ERR_BAD_HEADER");
      assert.equal(e.offsetBytes, 0);
      assert.match(e.message, /ends with length 808464432/);
      assert.match(
        e.message,
        /option 12336 of a section header block claims 12336 bytes.*\(byte 24\)/,
      );
      return true;
    },
  );
});

test("resynchronisation in tls_DER-incomplete-header.pcap skips exactly the corrupt 80 bytes", async (t) => {
  if (!requireCorpus(t)) return;
  const { meta, packets } = await readAll(corpusPath("tls_DER-incomplete-header.pcap"));
  assert.equal(meta.warnings[0].skippedBytes, 80);
  assert.equal(packets[6].fileOffset, 5035 + 80);
  // The resumed packets continue the same loopback TCP connection: IPv4 id 0x7d02 follows 0x7d00.
  assert.deepEqual([...packets[6].data.subarray(18, 20)], [0x7d, 0x02]);
  assert.deepEqual(
    packets.slice(6).map((p) => p.tsSec),
    [1429518024, 1429518024, 1429518024, 1429518024, 1429518026, 1429518026, 1429518026],
  );
});

test("sections, interfaces and byte orders of the multi-section corpus files", async (t) => {
  if (!requireCorpus(t)) return;
  const be202 = (await readAll(corpusPath("hk-be-test202.pcapng"))).meta;
  assert.deepEqual(
    be202.sections.map((s) => s.byteOrder),
    ["big", "little", "big"],
  );
  assert.deepEqual(
    be202.interfaces.map((i) => [i.sectionIndex, i.linkTypeName]),
    [
      [0, "EN10MB"],
      [0, "NULL"],
      [1, "EN10MB"],
      [2, "EN10MB"],
      [2, "NULL"],
    ],
  );
  assert.deepEqual(be202.sections[1].comments, ["test202 SHB-1"]);
  assert.deepEqual(be202.interfaces[3].statistics?.received, 100);
  assert.equal(be202.names.length > 0, true);

  const le102 = await readAll(corpusPath("hk-le-test102.pcapng"));
  assert.deepEqual(le102.meta.skippedBlocks, { "0x00000bad": 1, "0x40000bad": 2 });
  // Frame 4 is a Simple Packet Block: no timestamp of its own.
  assert.deepEqual(
    le102.packets.map((p) => p.hasTimestamp),
    [true, true, false, true, true],
  );

  const le009 = await readAll(corpusPath("hk-le-test009.pcapng"));
  assert.deepEqual(
    le009.packets.map((p) => p.comments),
    [["test009-1"], ["test009-2"]],
  );

  const be001 = await readAll(corpusPath("hk-be-test001.pcapng"));
  assert.equal(be001.meta.sections[0].byteOrder, "big");
  assert.equal(be001.packets.length, 4);

  const multi = await readAll(corpusPath("pcapng-multi-interface.pcapng"));
  // Two captures merged: the docker container's (ns timestamps) then the Windows host's (us).
  assert.deepEqual(
    multi.packets.map((p) => [p.interfaceIndex, p.fileOffset]),
    [
      [0, 348],
      [0, 476],
      [1, 724],
      [1, 828],
      [1, 1028],
      [1, 1132],
    ],
  );
  assert.deepEqual(
    multi.meta.interfaces.map((i) => i.tsUnitsPerSec),
    [1e9, 1e6],
  );

  const t901 = await readAll(corpusPath("test901.pcapng"));
  assert.deepEqual(
    t901.meta.sections.map((s) => `${s.versionMajor}.${s.versionMinor}`),
    ["1.0", "2.0", "1.0"],
  );
  assert.deepEqual(
    t901.packets.map((p) => p.interfaceIndex),
    [0, 1],
  );
});

test("gzip corpus files give the same packets as the files they compress", async (t) => {
  if (!requireCorpus(t)) return;
  for (const [gz, plain] of [
    ["wikipedia.pcap.gz", "wikipedia.pcap"],
    ["dns_lab.pcapng.gz", "dns_lab.pcapng"],
  ]) {
    const a = await readAll(corpusPath(gz));
    const b = await readAll(corpusPath(plain));
    assert.equal(a.meta.compression, "gzip");
    assert.equal(b.meta.compression, "none");
    assert.equal(a.packets.length, b.packets.length);
    assert.deepEqual(a.packets, b.packets, gz);
    assert.equal(a.meta.fileBytes, gunzipSync(readFileSync(corpusPath(gz))).length);
  }
});

test("chunked parsing of real files matches the synchronous read at every chunk boundary", async (t) => {
  if (!requireCorpus(t)) return;
  for (const name of [
    "http_espn.pcapng",
    "206_example_b.pcap",
    "hk-be-test202.pcapng",
    "pptp.pcap",
  ]) {
    const bytes = readFileSync(corpusPath(name));
    const whole = await readAll(corpusPath(name));
    let n = 0;
    const chunked = feedInChunks(bytes, () => 1 + ((n++ * 7919) % 3001), 256);
    assert.deepEqual(chunked.packets, whole.packets, name);
  }
});

function timeText(sec: number, nsec: number, digits: number): string {
  return `${sec}.${String(nsec).padStart(9, "0").slice(0, digits)}`;
}

test("first and last timestamps equal capinfos' for pcap files of each byte order and resolution", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "capinfos")) return;
  const files = [
    "get.pcap",
    "pptp.pcap", // big-endian
    "tcp-handshake-nano.pcap", // nanosecond
    "get-to-ssh-server.pcap", // nanosecond
    "wikipedia.pcap.gz",
    "http_espn.pcapng",
    "dns_lab.pcapng.gz",
  ];
  const out = execFileSync("capinfos", ["-T", "-r", "-a", "-e", "-S", ...files.map(corpusPath)], {
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  const lines = out.trim().split("\n");
  assert.equal(lines.length, files.length);
  for (const line of lines) {
    const [path, first, last] = line.split("\t");
    const digits = first.split(".")[1].length;
    const { packets } = await readAll(path);
    const a = packets[0];
    const b = packets[packets.length - 1];
    assert.equal(timeText(a.tsSec, a.tsNsec, digits), first, path);
    assert.equal(timeText(b.tsSec, b.tsNsec, digits), last, path);
  }
});

test("every packet's time, lengths and interface equal tshark's in the multi-section and odd files", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  for (const name of [
    "hk-be-test202.pcapng",
    "hk-le-test102.pcapng",
    "pcapng-multi-interface.pcapng",
    "modify-request.pcapng",
    "dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap",
    "heapoverflow-tcp_print.pcap",
  ]) {
    const out = execFileSync(
      "tshark",
      [
        "-r",
        corpusPath(name),
        "-T",
        "fields",
        "-e",
        "frame.time_epoch",
        "-e",
        "frame.cap_len",
        "-e",
        "frame.len",
        "-e",
        "frame.interface_id",
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    ).toString();
    // tshark lists custom blocks as frames with neither time nor interface: not packets.
    const theirs = out
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => l.split("\t"))
      .filter(([time, , , iface]) => time !== "" || iface !== "");
    const { meta, packets } = await readAll(corpusPath(name));
    assert.equal(packets.length, theirs.length, name);
    packets.forEach((p, i) => {
      const [time, capLen, len, iface] = theirs[i];
      // tshark prints no time for a Simple Packet Block; its interface id is per section.
      if (p.hasTimestamp)
        assert.equal(timeText(p.tsSec, p.tsNsec, 9), time, `${name} frame ${i + 1}`);
      else assert.equal(time, "", `${name} frame ${i + 1}`);
      assert.equal(String(p.data.length), capLen, `${name} frame ${i + 1}`);
      assert.equal(String(p.originalLenBytes), len, `${name} frame ${i + 1}`);
      if (iface === "") return; // pcap: tshark prints no interface id
      const section = meta.interfaces[p.interfaceIndex].sectionIndex;
      const local = p.interfaceIndex - meta.interfaces.findIndex((x) => x.sectionIndex === section);
      assert.equal(String(local), iface, `${name} frame ${i + 1}`);
    });
  }
});
