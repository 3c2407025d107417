import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../testing/corpus.ts";
import { detectFormat, readCapture } from "./index.ts";
import {
  concat,
  epb,
  idb,
  type PcapRecord,
  payload,
  pcapFile,
  shb,
  text,
} from "./testing/capture-bytes.ts";
import { readBytes } from "./testing/read-bytes.ts";
import { CaptureError, type CaptureErrorCode } from "./types.ts";

const T0 = 1_764_000_000;
const RECORDS: PcapRecord[] = Array.from({ length: 50 }, (_, i) => ({
  sec: T0 + i,
  fraction: i,
  data: payload(100 + i * 37, i),
}));
const PCAP = pcapFile({}, RECORDS);
const PCAPNG = concat(
  shb(true),
  idb(true, 1, 0),
  ...RECORDS.map((r) => epb(true, { interfaceId: 0, tsHi: 0, tsLo: r.sec, data: r.data })),
);

function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-index-"));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: CaptureErrorCode,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CaptureError, `not a CaptureError: ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

test("a missing file is WW_ERR_FILE naming the path", async () => {
  await rejectsWith(
    readCapture("/nonexistent/dir/trace.pcap", () => {}),
    "WW_ERR_FILE",
    /cannot open \/nonexistent\/dir\/trace\.pcap: ENOENT/,
  );
});

test("a directory is WW_ERR_FILE", async () => {
  const { dir, done } = tempDir();
  try {
    await rejectsWith(
      readCapture(dir, () => {}),
      "WW_ERR_FILE",
      /it is a directory/,
    );
  } finally {
    done();
  }
});

test("an empty file is WW_ERR_EMPTY, plain or gzip-compressed", async () => {
  await rejectsWith(readBytes(new Uint8Array(0)), "WW_ERR_EMPTY", /is empty \(0 bytes\)/);
  await rejectsWith(readBytes(new Uint8Array(0), { gzip: true }), "WW_ERR_EMPTY", /is empty/);
});

test("not a capture: the error says what the first bytes look like", async () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [
      text("hello, world\nsecond line\n"),
      /not a pcap or pcapng capture: it is text: "hello, world"/,
    ],
    [text("<!DOCTYPE html>\n<html><body>404</body></html>"), /an HTML document/],
    [text('{"packets": []}'), /JSON or similar text/],
    [text("12:34:56.789012 IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S]"), /tcpdump's text output/],
    [concat(text("snoop\0\0\0"), new Uint8Array(16)), /a Solaris snoop capture/],
    [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4), /zstd-compressed data/],
    [
      Uint8Array.of(0x00, 0x01, 0x02, 0x03, 0xfe, 0xff),
      /binary data of no known format \(first bytes 00 01 02 03 fe ff\)/,
    ],
  ];
  for (const [bytes, message] of cases) {
    await rejectsWith(readBytes(bytes), "WW_ERR_NOT_CAPTURE", message);
  }
  // A real executable of this machine.
  await rejectsWith(
    readCapture(process.execPath, () => {}),
    "WW_ERR_NOT_CAPTURE",
    /an ELF executable/,
  );
});

test("detectFormat names capture formats and their variants", () => {
  assert.deepEqual(detectFormat(PCAP.subarray(0, 4)), {
    kind: "pcap",
    byteOrder: "little",
    nanosecond: false,
    description: "pcap (little-endian, microsecond timestamps)",
  });
  const be = pcapFile({ littleEndian: false, nanosecond: true }, []);
  assert.equal(detectFormat(be).description, "pcap (big-endian, nanosecond timestamps)");
  assert.equal(detectFormat(PCAPNG).kind, "pcapng");
  assert.equal(detectFormat(gzipSync(PCAP)).kind, "gzip");
  assert.match(detectFormat(Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1)).description, /Kuznetzov/);
  assert.match(detectFormat(Uint8Array.of(0x0a)).description, /text|only 1 byte/);
});

test("gzip is detected by content, not by name", async () => {
  const { meta, packets } = await readBytes(PCAPNG, { gzip: true, name: "no-extension" });
  assert.equal(meta.compression, "gzip");
  assert.equal(meta.format, "pcapng");
  assert.equal(packets.length, 50);
  assert.equal(meta.fileBytes, PCAPNG.length);
});

test("a cut gzip file: the packets decompressed before the cut, then gzip-error", async () => {
  const gz = gzipSync(PCAP);
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "cut.pcap.gz");
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const packets: number[] = [];
    const meta = await readCapture(path, (r) => void packets.push(r.tsSec));
    assert.ok(packets.length > 5 && packets.length < 50, `${packets.length} packets`);
    assert.deepEqual(
      packets,
      RECORDS.slice(0, packets.length).map((r) => r.sec),
    );
    assert.equal(meta.warnings[0].code, "gzip-error");
    assert.match(meta.warnings[0].message, /cut short/);
    assert.equal(meta.stoppedEarly, true);
  } finally {
    done();
  }
});

test("gzip magic followed by garbage is WW_ERR_NOT_CAPTURE", async () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "bad.gz");
    writeFileSync(path, concat(Uint8Array.of(0x1f, 0x8b), payload(200)));
    await rejectsWith(
      readCapture(path, () => {}),
      "WW_ERR_NOT_CAPTURE",
      /does not decompress/,
    );
  } finally {
    done();
  }
});

test("an exception thrown by the callback reaches the caller unchanged", async () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "x.pcap");
    writeFileSync(path, PCAP);
    const mine = new RangeError("caller's own");
    await assert.rejects(
      readCapture(path, (r) => {
        if (r.frame === 3) throw mine;
      }),
      (e) => e === mine,
    );
  } finally {
    done();
  }
});

test("a callback returning false stops reading: stoppedEarly, fileBytes up to that packet", async () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "x.pcap");
    writeFileSync(path, PCAP);
    let seen = 0;
    const meta = await readCapture(path, () => ++seen < 7);
    assert.equal(seen, 7);
    assert.equal(meta.packets, 7);
    assert.equal(meta.stoppedEarly, true);
    const seventhEnd = 24 + RECORDS.slice(0, 7).reduce((n, r) => n + 16 + r.data.length, 0);
    assert.equal(meta.fileBytes, seventhEnd);
  } finally {
    done();
  }
});

test("a named pipe (FIFO) is read as a stream", async () => {
  const { dir, done } = tempDir();
  try {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const file = join(dir, "x.pcapng");
    writeFileSync(file, PCAPNG);
    const writer = spawn("sh", ["-c", `cat '${file}' > '${fifo}'`]);
    const exited = new Promise((r) => writer.on("exit", r));
    const meta = await readCapture(fifo, () => {});
    await exited;
    assert.equal(meta.packets, 50);
    assert.equal(meta.format, "pcapng");
  } finally {
    done();
  }
});

const stdinScript = join(repoRoot, "src/capture/testing/count-stdin.ts");

function readStdin(input: Uint8Array): Record<string, unknown> {
  const run = spawnSync(process.execPath, ["--import", "tsx", stdinScript], {
    cwd: repoRoot,
    input,
    timeout: 20_000,
  });
  assert.equal(run.status, 0, run.stderr.toString());
  return JSON.parse(run.stdout.toString());
}

test('"-" reads standard input: pcap, gzip-compressed pcapng, and nothing at all', () => {
  const total = RECORDS.reduce((n, r) => n + r.data.length, 0);
  assert.deepEqual(readStdin(PCAP), {
    packets: 50,
    bytes: total,
    format: "pcap",
    compression: "none",
    source: "-",
    warnings: [],
  });
  assert.deepEqual(readStdin(gzipSync(PCAPNG)), {
    packets: 50,
    bytes: total,
    format: "pcapng",
    compression: "gzip",
    source: "-",
    warnings: [],
  });
  const cut = readStdin(PCAP.subarray(0, PCAP.length - 10));
  assert.equal(cut.packets, 49);
  assert.deepEqual(cut.warnings, ["truncated-record"]);
  assert.deepEqual(readStdin(new Uint8Array(0)), {
    error: "WW_ERR_EMPTY",
    message: "standard input is empty (0 bytes)",
  });
});
