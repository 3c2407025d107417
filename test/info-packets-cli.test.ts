/**
 * `wirewhy info` and `wirewhy packets` as users run them: the info figures against tshark's
 * reference over the whole corpus and against capinfos on recorded captures, the per-packet TCP
 * analysis labels against tshark's, NDJSON, -c, standard input, and the exit codes of bad input.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { READ_DIFFERENCES } from "../src/capture/testing/reference-expectations.ts";
import { captureInfo } from "../src/census/capture-info.ts";
import {
  corpusPath,
  readReference,
  repoRoot,
  requireCommand,
  requireCorpus,
} from "../src/testing/corpus.ts";
import { runCli } from "../src/testing/run-cli.ts";

const LOSS = `${repoRoot}/test/fixtures/labs/packet-loss.pcap`;
const REFUSED = `${repoRoot}/test/fixtures/labs/connection-refused.pcap`;

describe("wirewhy info", () => {
  it("gives tshark's packet count for every corpus capture (or says why not)", async (t) => {
    if (!requireCorpus(t)) return;
    let compared = 0;
    for (const row of readReference()) {
      if (row.file === "shb-option-too-long.pcapng") continue; // unreadable: the CLI test below
      const info = await captureInfo(corpusPath(row.file));
      const differs = READ_DIFFERENCES[row.file];
      assert.equal(info.packets, differs ? differs.packets : Number(row.packets), row.file);
      if (!differs) assert.deepEqual(info.warnings, [], row.file);
      compared++;
    }
    assert.ok(compared >= 70, `only ${compared} files compared`);
  });

  it("--json agrees with capinfos on packets, bytes, times and duration", async (t) => {
    if (!requireCommand(t, "capinfos")) return;
    for (const file of [LOSS, REFUSED]) {
      const { code, stdout } = await runCli(["info", "--json", file]);
      assert.equal(code, 0);
      const info = JSON.parse(stdout);
      // -T -m: one comma-separated row: name, packets, file size, data size, duration, first, last.
      const row = execFileSync(
        "capinfos",
        ["-T", "-m", "-r", "-c", "-s", "-d", "-u", "-a", "-e", file],
        {
          encoding: "utf8",
        },
      )
        .trim()
        .split(",");
      assert.equal(info.packets, Number(row[1]), file);
      assert.equal(info.fileBytes, Number(row[2]), file);
      assert.equal(info.wireBytes, Number(row[3]), file);
      assert.equal(info.durationSec.toFixed(6), Number(row[4]).toFixed(6), file);
      assert.equal(info.first.iso.replace("T", " ").replace("Z", ""), row[5], file);
      assert.equal(info.last.iso.replace("T", " ").replace("Z", ""), row[6], file);
      assert.deepEqual(info.warnings, []);
    }
  });

  it("the text report names the format, link type, truncated packets and protocols", async () => {
    const { code, stdout } = await runCli(["info", LOSS]);
    assert.equal(code, 0);
    assert.match(stdout, /pcap/);
    assert.match(stdout, /EN10MB/);
    assert.match(stdout, /486/);
    assert.match(stdout, /295/); // packets cut by the 200-byte snaplen
    assert.match(stdout, /^ {2}tcp +486 +100\.0%$/m);
  });

  it("reads standard input, and -c stops early without calling it damage", async () => {
    const piped = await runCli(["info", "--json", "-"], { input: readFileSync(LOSS) });
    assert.equal(piped.code, 0);
    assert.equal(JSON.parse(piped.stdout).packets, 486);
    const first = await runCli(["info", "--json", "-c", "10", LOSS]);
    assert.equal(first.code, 0);
    const info = JSON.parse(first.stdout);
    assert.equal(info.packets, 10);
    assert.equal(info.partial, false);
  });

  it("bad input: exit 2 and a message naming the file, offset and reason; no stack trace", async (t) => {
    const missing = await runCli(["info", "/nonexistent/x.pcap"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /x\.pcap/);
    const text = await runCli(["info", "-"], { input: Buffer.from("GET / HTTP/1.1\r\n\r\n") });
    assert.equal(text.code, 2);
    assert.match(text.stderr, /not a capture|HTTP|text/i);
    assert.doesNotMatch(text.stderr, /\n\s+at /);
    if (!requireCorpus(t)) return;
    const shb = await runCli(["info", corpusPath("shb-option-too-long.pcapng")]);
    assert.equal(shb.code, 2);
    assert.match(shb.stderr, /byte 24/);
    assert.doesNotMatch(shb.stderr, /\n\s+at /);
  });

  it("a capture cut mid-packet: every packet before the cut, a warning with the offset, exit 3", async (t) => {
    if (!requireCorpus(t)) return;
    const cut = await runCli(["info", "--json", corpusPath("cut-midpacket.pcap")]);
    assert.equal(cut.code, 3);
    const info = JSON.parse(cut.stdout);
    assert.equal(info.packets, 13);
    assert.equal(info.warnings[0].code, "truncated-record");
    assert.equal(info.warnings[0].offsetBytes, 6253);
    assert.match(cut.stderr, /6253/);
  });
});

describe("wirewhy packets", () => {
  it("labels TCP analysis flags on the frames tshark labels", async (t) => {
    const { code, stdout } = await runCli(["packets", LOSS]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(lines.length, 486);
    const framesWith = (label: string) =>
      lines.filter((l) => l.includes(label)).map((l) => Number(l.trim().split(/\s+/)[0]));
    const fast = framesWith("[TCP Fast Retransmission]");
    const dupAcks = framesWith("[TCP Dup ACK");
    assert.equal(fast.length, 5);
    assert.match(lines[63], /^ +64 .*\[TCP Dup ACK #1\]$/);
    assert.match(lines[65], /^ +66 .*\[TCP Fast Retransmission\]$/);
    if (!requireCommand(t, "tshark")) return;
    const tsharkFrames = (filter: string) =>
      execFileSync("tshark", ["-r", LOSS, "-Y", filter, "-T", "fields", "-e", "frame.number"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      })
        .trim()
        .split("\n")
        .filter((s) => s !== "")
        .map(Number);
    assert.deepEqual(fast, tsharkFrames("tcp.analysis.fast_retransmission"));
    assert.deepEqual(dupAcks, tsharkFrames("tcp.analysis.duplicate_ack"));
  });

  it("--json prints one object per packet with the stream and the analysis names", async () => {
    const { code, stdout } = await runCli(["packets", "--json", "-c", "70", LOSS]);
    assert.equal(code, 0);
    const objects = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(objects.length, 70);
    assert.deepEqual(
      objects.map((o) => o.frame),
      Array.from({ length: 70 }, (_, i) => i + 1),
    );
    const f66 = objects[65];
    assert.equal(f66.tcp.stream, 0);
    assert.deepEqual(f66.tcp.analysis, ["fastRetransmission"]);
    assert.equal(objects[63].tcp.dupAckNumber, 1);
    assert.equal(f66.ip.src, "198.51.100.1");
    assert.equal(f66.truncated, true);
  });

  it("the refused connection: SYN then RST/ACK, addresses and ports like tcpdump -n", async () => {
    const { code, stdout } = await runCli(["packets", REFUSED]);
    assert.equal(code, 0);
    const first = stdout.split("\n")[0];
    assert.match(first, /^ +1 +0\.000000 {2}127\.0\.0\.1:\d+ > 127\.0\.0\.1:\d+: TCP \[S\]/);
    assert.match(stdout.split("\n")[1], /TCP \[R\.\]/);
  });
});
