/**
 * Each segment classifier on real segment sequences from the shared corpus, read at test time:
 * the frames it flags must be the frames tshark 4.0.17 flags
 * (`tshark -r F -Y tcp.analysis.X -T fields -e frame.number`, recorded below). Flags the corpus
 * never shows (zero window probe and its ACK) are tested on segments built here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readCapture } from "../src/capture/index.ts";
import { createPacketView, decodePacket } from "../src/decode/index.ts";
import { TcpFlag } from "../src/decode/types.ts";
import type { AnalysisFlagName } from "../src/tcp/index.ts";
import { AnalysisFlag, analysisFlagNames, createTcpAnalyzer } from "../src/tcp/index.ts";
import { runSegments } from "../src/tcp/testing/built-segments.ts";
import { corpusPath, requireCorpus } from "../src/testing/corpus.ts";

async function flaggedFrames(file: string): Promise<Map<AnalysisFlagName, number[]>> {
  const analyzer = createTcpAnalyzer({ seriesMaxPoints: 0 });
  const view = createPacketView();
  const out = new Map<AnalysisFlagName, number[]>();
  await readCapture(corpusPath(file), (record) => {
    decodePacket(record.linkType, record.dataView, record.originalLenBytes, view);
    const bits = analyzer.onPacket(record, view);
    for (const name of analysisFlagNames(bits)) {
      const list = out.get(name) ?? [];
      list.push(record.frame);
      out.set(name, list);
    }
  });
  return out;
}

/** tshark's tcp.analysis.retransmission also matches fast and spurious retransmissions. */
function anyRetransmission(m: Map<AnalysisFlagName, number[]>): number[] {
  const all = new Set([
    ...(m.get("retransmission") ?? []),
    ...(m.get("fastRetransmission") ?? []),
    ...(m.get("spuriousRetransmission") ?? []),
  ]);
  return [...all].sort((a, b) => a - b);
}

test("retransmission: tcp_retransmissions.pcapng resends its first segment five times", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("tcp_retransmissions.pcapng");
  assert.deepEqual(m.get("retransmission"), [2, 3, 4, 5, 6]);
});

test("duplicate ACK and fast retransmission: tcp_dupack.pcapng", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("tcp_dupack.pcapng");
  assert.deepEqual(m.get("duplicateAck"), [3, 5, 7]);
  assert.deepEqual(m.get("fastRetransmission"), [8]);
  assert.deepEqual(anyRetransmission(m), [8]);
});

test("zero window and keep-alive: tcp_zerowindowdead.pcapng", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("tcp_zerowindowdead.pcapng");
  assert.deepEqual(m.get("zeroWindow"), [2, 4, 6, 8]);
  assert.deepEqual(m.get("keepAlive"), [3, 5, 7]);
  assert.equal(m.get("zeroWindowProbe"), undefined);
});

test("window update after a zero window: tcp_zerowindowrecovery.pcapng", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("tcp_zerowindowrecovery.pcapng");
  assert.deepEqual(m.get("zeroWindow"), [4]);
  assert.deepEqual(m.get("windowUpdate"), [5]);
});

test("lost segments, dup ACKs and ACKed unseen: reassembly.pcap", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("reassembly.pcap");
  assert.deepEqual(m.get("lostSegment"), [9, 16, 28, 57, 62, 87, 106, 108]);
  assert.deepEqual(
    m.get("duplicateAck"),
    [17, 19, 21, 23, 25, 27, 29, 30, 32, 34, 49, 51, 53, 55, 56, 58, 60, 61, 63, 109, 111],
  );
  assert.deepEqual(
    anyRetransmission(m),
    [8, 10, 12, 35, 36, 39, 42, 45, 48, 50, 52, 64, 66, 68, 71, 74, 77, 112, 114, 116],
  );
  // tshark also has 105 unflagged and calls 8, 10, 12 fast retransmissions: docs/tcp-analysis.md.
  assert.deepEqual(m.get("ackedUnseen"), [8, 10, 70, 78, 86, 88, 105, 107]);
  assert.equal(m.get("fastRetransmission"), undefined);
});

test("fast retransmissions after three duplicate ACKs: ssh-dups.pcap", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("ssh-dups.pcap");
  assert.equal(anyRetransmission(m).length, 166);
  assert.equal(m.get("fastRetransmission")?.length, 92);
  assert.deepEqual(
    m.get("fastRetransmission")?.slice(0, 12),
    [21, 22, 23, 29, 30, 31, 37, 38, 39, 41, 42, 43],
  );
  assert.equal(m.get("duplicateAck")?.length, 114);
  assert.deepEqual(m.get("duplicateAck")?.slice(0, 6), [9, 10, 11, 17, 18, 19]);
});

test("SYN retransmission, out-of-order and window updates: syn_retransmit_with_ts.pcap", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("syn_retransmit_with_ts.pcap");
  assert.deepEqual(
    anyRetransmission(m),
    [2, 127, 129, 130, 131, 132, 133, 134, 233, 235, 237, 239, 241, 242, 243, 244, 245, 246],
  );
  assert.deepEqual(m.get("fastRetransmission"), [127, 233]);
  assert.deepEqual(m.get("outOfOrder"), [51]);
  assert.equal(m.get("duplicateAck")?.length, 53);
  assert.equal(m.get("windowUpdate")?.length, 25);
  assert.deepEqual(m.get("windowUpdate")?.slice(0, 5), [25, 30, 36, 38, 42]);
});

test("spurious retransmission, out-of-order, lost segment: TLPW1 capture", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap");
  assert.deepEqual(m.get("spuriousRetransmission"), [51]);
  assert.deepEqual(anyRetransmission(m), [2, 51]);
  assert.deepEqual(m.get("outOfOrder"), [23, 27, 28, 29, 33, 34, 35, 53, 58, 62, 63, 66, 67]);
  assert.deepEqual(m.get("lostSegment"), [20, 21, 52, 56, 72]);
  assert.deepEqual(m.get("ackedUnseen"), [74]);
});

test("window full: inconsistent_printer.pcapng", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("inconsistent_printer.pcapng");
  assert.deepEqual(m.get("windowFull"), [120, 121, 122]);
  assert.deepEqual(anyRetransmission(m), [121, 122]);
  assert.deepEqual(m.get("windowUpdate"), [32, 51, 67, 85, 102]);
});

test("keep-alive and keep-alive ACK: http_espn_fail.pcapng", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("http_espn_fail.pcapng");
  assert.deepEqual(m.get("keepAlive"), [512, 514, 515, 517, 520, 521, 523, 559, 561, 563, 564]);
  assert.deepEqual(m.get("keepAliveAck"), [513, 516, 518, 519, 522, 560, 562, 565, 566]);
  assert.equal(anyRetransmission(m).length, 84);
});

test("zero window: 206_example_b.pcap", async (t) => {
  if (!requireCorpus(t)) return;
  const m = await flaggedFrames("206_example_b.pcap");
  assert.equal(m.get("zeroWindow")?.length, 57);
  assert.deepEqual(m.get("zeroWindow")?.slice(0, 5), [166, 167, 170, 171, 174]);
  assert.equal(m.get("outOfOrder")?.length, 52);
  assert.deepEqual(m.get("ackedUnseen"), [264]);
});

test("a refused connection and a reset after a request have no analysis flags", async (t) => {
  if (!requireCorpus(t)) return;
  assert.equal((await flaggedFrames("tcp_refuseconnection.pcapng")).size, 0);
  assert.equal((await flaggedFrames("get-to-ssh-server.pcap")).size, 0);
});

// ── Built segments: the zero window probe (Linux probes with keep-alives, so none is in the
// corpus; Windows sends the one-byte probe Wireshark defines). Addresses are documentation ones.

const A = TcpFlag.ACK;

test("zero window probe and its ACK (built segments)", () => {
  const bits = runSegments([
    { fromClient: true, flags: TcpFlag.SYN, seq: 1000, ack: 0, win: 8192, len: 0 },
    { fromClient: false, flags: TcpFlag.SYN | A, seq: 5000, ack: 1001, win: 8192, len: 0 },
    { fromClient: true, flags: A, seq: 1001, ack: 5001, win: 8192, len: 0 },
    { fromClient: true, flags: A, seq: 1001, ack: 5001, win: 8192, len: 100 },
    { fromClient: false, flags: A, seq: 5001, ack: 1101, win: 0, len: 0 }, // zero window
    { fromClient: true, flags: A, seq: 1101, ack: 5001, win: 8192, len: 1 }, // probe
    { fromClient: false, flags: A, seq: 5001, ack: 1101, win: 0, len: 0 }, // probe ACK
    { fromClient: true, flags: A, seq: 1101, ack: 5001, win: 8192, len: 1 }, // probe again
  ]);
  assert.equal(bits[4], AnalysisFlag.ZERO_WINDOW);
  assert.equal(bits[5], AnalysisFlag.ZERO_WINDOW_PROBE);
  assert.equal(bits[6], AnalysisFlag.ZERO_WINDOW | AnalysisFlag.ZERO_WINDOW_PROBE_ACK);
  // A probe does not advance the expected sequence number: the second probe is a probe again.
  assert.equal(bits[7], AnalysisFlag.ZERO_WINDOW_PROBE);
});
