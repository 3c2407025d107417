import assert from "node:assert/strict";
import { test } from "node:test";
import type { AckPoint } from "./ack-history.ts";
import { StreamReassembler } from "./stream-reassembler.ts";
import type { StreamConsumer, StreamDir, StreamEndReason } from "./types.ts";

/** Records every event as a line, bytes as text. */
class Recorder implements StreamConsumer {
  wantsData = true;
  readonly events: string[] = [];
  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number): void {
    this.events.push(`data ${dir} @${offset} f${frame} ${Buffer.from(bytes).toString("latin1")}`);
  }
  onGap(dir: StreamDir, offset: number, len: number, frame: number): void {
    this.events.push(`gap ${dir} @${offset}+${len} f${frame}`);
  }
  onEnd(dir: StreamDir, reason: StreamEndReason, offset: number, frame: number): void {
    this.events.push(`end ${dir} ${reason} @${offset} f${frame}`);
  }
}

const text = (s: string) => new TextEncoder().encode(s);

test("in-order, retransmitted and overlapping segments are delivered once, in order", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(0, 1000);
  s.onSegment(0, 1001, text("GET "), 4, 1);
  s.onSegment(0, 1001, text("GET "), 5, 2); // retransmission
  s.onSegment(0, 1003, text("T /x"), 6, 3); // overlaps two bytes
  s.onFin(0, 1007, 7, 4);
  assert.deepEqual(r.events, ["data 0 @0 f4 GET ", "data 0 @4 f6 /x", "end 0 fin @6 f7"]);
});

test("reordered segments wait for the hole and keep the frame that carried them", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(1, 0xfffffffe); // byte 0 at 0xffffffff: the stream wraps after one byte
  s.onSegment(1, 0x00000003, text("def"), 10, 1);
  s.onSegment(1, 0x00000000, text("abc"), 11, 2);
  assert.deepEqual(r.events, []);
  s.onSegment(1, 0xffffffff, text("_"), 12, 3);
  assert.deepEqual(r.events, ["data 1 @0 f12 _", "data 1 @1 f11 abc", "data 1 @4 f10 def"]);
});

test("a hole the peer acknowledged is a gap at once; data behind it follows", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(0, 0);
  s.onSegment(0, 1, text("aaaa"), 3, 1);
  s.onSegment(0, 9, text("cccc"), 5, 3); // bytes 4..7 never captured
  s.onAck(1, 13, 6, 4); // the server has everything up to byte 12
  assert.deepEqual(r.events, ["data 0 @0 f3 aaaa", "gap 0 @4+4 f6", "data 0 @8 f5 cccc"]);
  const point: AckPoint = { frame: 0, timeMs: 0, ackOffsetBytes: 0 };
  assert.equal(s.ackCovering(0, 12, point), true);
  assert.deepEqual(point, { frame: 6, timeMs: 4, ackOffsetBytes: 12 });
  assert.equal(s.ackCovering(0, 13, point), false);
});

test("a segment beyond bytes already acknowledged is delivered after a gap", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(0, 99);
  s.onAck(1, 110, 2, 1); // ACK of 10 bytes the capture never saw
  s.onSegment(0, 110, text("zz"), 3, 2);
  assert.deepEqual(r.events, ["gap 0 @0+10 f3", "data 0 @10 f3 zz"]);
});

test("out-of-order bytes beyond the limit declare the hole a gap", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r, 8);
  s.onSyn(0, 0);
  s.onSegment(0, 5, text("12345"), 2, 1);
  s.onSegment(0, 10, text("67890"), 3, 2);
  assert.deepEqual(r.events, ["gap 0 @0+4 f3", "data 0 @4 f2 12345", "data 0 @9 f3 67890"]);
  assert.equal(s.dirs[0].overflowGapCount, 1);
});

test("RST flushes waiting data behind gaps and ends both directions", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(0, 0);
  s.onSyn(1, 500);
  s.onSegment(0, 3, text("xy"), 4, 1);
  s.onRst(1, 9, 5);
  assert.deepEqual(r.events, [
    "gap 0 @0+2 f4",
    "data 0 @2 f4 xy",
    "end 0 rst @4 f9",
    "end 1 rst @0 f9",
  ]);
});

test("a FIN beyond the delivered bytes proves a final gap at close", () => {
  const r = new Recorder();
  const s = new StreamReassembler(r);
  s.onSyn(1, 0);
  s.onSegment(1, 1, text("ab"), 2, 1);
  s.onFin(1, 6, 3, 2); // bytes 2..4 were sent but not captured
  assert.deepEqual(r.events, ["data 1 @0 f2 ab"]);
  s.close(4, 3);
  assert.deepEqual(r.events.slice(1), ["end 0 close @0 f4", "gap 1 @2+3 f4", "end 1 fin @5 f4"]);
});

test("nothing is buffered or delivered once the consumer wants no data", () => {
  const r = new Recorder();
  r.wantsData = false;
  const s = new StreamReassembler(r);
  s.onSegment(0, 50, text("abc"), 1, 1);
  s.onSegment(0, 60, text("def"), 2, 2);
  assert.equal(s.dirs[0].pendingBytes, 0);
  assert.deepEqual(r.events, []);
});

/** Takes ranges: records which part of which buffer each delivery was. */
class RangeRecorder extends Recorder {
  readonly ranges: string[] = [];
  onDataRange(
    dir: StreamDir,
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    frame: number,
  ): void {
    this.ranges.push(`${start}-${end} of ${bytes.length}`);
    this.onData(dir, bytes.subarray(start, end), offset, frame);
  }
}

test("ranges of the packet's bytes are delivered as ranges, held ones as copies", () => {
  const r = new RangeRecorder();
  const s = new StreamReassembler(r);
  s.onSyn(0, 1000);
  // The payload sits at [4, 8) of a reused packet buffer; the second overlaps the first by two.
  const packet = text("hdr-GET /xy-trailer");
  s.onSegmentRange(0, 1001, packet, 4, 8, 1, 1, 4);
  s.onSegmentRange(0, 1003, packet, 6, 10, 2, 2, 4);
  // Beyond a hole: held as a copy, so overwriting the packet buffer changes nothing.
  const later = text("--ab--");
  s.onSegmentRange(0, 1009, later, 2, 4, 3, 3, 2);
  later.fill(0x21);
  s.onSegmentRange(0, 1007, packet, 8, 10, 4, 4, 2);
  assert.deepEqual(r.events, [
    "data 0 @0 f1 GET ",
    "data 0 @4 f2 /x",
    "data 0 @6 f4 /x",
    "data 0 @8 f3 ab",
  ]);
  assert.deepEqual(r.ranges, ["4-8 of 19", "8-10 of 19", "8-10 of 19", "0-2 of 2"]);
});
