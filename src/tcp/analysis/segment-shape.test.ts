import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpFlag } from "../../decode/types.ts";
import { DirectionState, WindowScale } from "../direction-state.ts";
import { Segment } from "../segment.ts";
import {
  RETRANSMISSION_CLASSIFIERS,
  SEGMENT_CLASSIFIERS,
  SegmentShape,
  segmentShape,
} from "./index.ts";

test("each segment has one shape bit, and unknown lengths match every classifier", () => {
  assert.equal(segmentShape(0, false), 0b000001);
  assert.equal(segmentShape(0, true), 0b000010);
  assert.equal(segmentShape(1, false), 0b000100);
  assert.equal(segmentShape(1460, true), 0b100000);
  assert.equal(segmentShape(-1, false) & SegmentShape.ANY & ~SegmentShape.NOT_ADVANCED, 0b010101);
});

/** xorshift32, seeded: the same states on every run. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function pick<T>(r: () => number, values: readonly T[]): T {
  return values[Math.floor(r() * values.length)];
}

const SEQS = [99, 100, 101, 200, 1560, 0xffffffff] as const;
const WINDOWS = [-1, 0, 1, 100] as const;
const FLAGS = [
  TcpFlag.ACK,
  TcpFlag.ACK | TcpFlag.PSH,
  TcpFlag.SYN,
  TcpFlag.SYN | TcpFlag.ACK,
  TcpFlag.FIN | TcpFlag.ACK,
  TcpFlag.RST,
  0,
] as const;

function randomDirection(r: () => number): DirectionState {
  const d = new DirectionState(0);
  d.hasNextSeq = r() < 0.8;
  d.nextSeq = pick(r, SEQS);
  d.hasMaxSeqToBeAcked = r() < 0.8;
  d.maxSeqToBeAcked = pick(r, SEQS);
  d.hasLastAck = r() < 0.8;
  d.lastAck = pick(r, SEQS);
  d.lastAckTimeNs = pick(r, [0, 5e6, 9e6]);
  d.nextSeqTimeNs = pick(r, [0, 5e6, 9e6]);
  d.window = pick(r, WINDOWS);
  d.winScale = pick(r, [WindowScale.UNKNOWN, WindowScale.NONE, WindowScale.KNOWN]);
  d.winScaleShift = pick(r, [0, 7]);
  d.isFirstAck = r() < 0.3;
  d.dupAckCount = pick(r, [0, 2, 3]);
  d.lastSegmentFlags = pick(r, [0, 1 << 8, 1 << 12]);
  d.segments = pick(r, [0, 3]);
  return d;
}

// The analyzer skips a classifier for shapes outside its `appliesTo`: that is only sound if the
// classifier never flags a segment of another shape.
test("no classifier flags a segment outside the shapes it declares", () => {
  const r = rng(0x2545f491);
  const flagged = new Map<string, number>();
  for (let n = 0; n < 200_000; n++) {
    const s = new Segment();
    s.fwd = randomDirection(r);
    s.rev = randomDirection(r);
    s.seq = pick(r, SEQS);
    s.ack = pick(r, SEQS);
    s.lenBytes = pick(r, [0, 0, 1, 1, 2, 1460]);
    s.tcpFlags = pick(r, FLAGS);
    s.window = pick(r, [0, 1, 100]);
    s.timeNs = 1e7;
    s.seqNotAdvanced = r() < 0.5;
    s.outOfOrderLimitNs = 3e6;
    const shape = segmentShape(s.lenBytes, s.seqNotAdvanced);
    for (const c of [...SEGMENT_CLASSIFIERS, ...RETRANSMISSION_CLASSIFIERS]) {
      if (!c.classify(s)) continue;
      flagged.set(c.name, (flagged.get(c.name) ?? 0) + 1);
      assert.notEqual(c.appliesTo & shape, 0, `${c.name} flagged len ${s.lenBytes}`);
    }
  }
  // Every classifier was exercised, so the check above could have failed for each.
  assert.equal(flagged.size, SEGMENT_CLASSIFIERS.length + RETRANSMISSION_CLASSIFIERS.length);
});
