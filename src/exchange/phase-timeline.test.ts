/**
 * Phase tiling and the default charging, on the numbers the rules name: a pipelined request, a
 * response that began before the request ended, SYN retries answered or not, TLS round trips, and
 * the wait split by vantage.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChargeContext } from "./phase-charges.ts";
import { PhaseTimeline } from "./phase-timeline.ts";

const CLIENT_SIDE: ChargeContext = {
  vantage: "client-side",
  rttMs: 20,
  waitRttMs: 20,
  synRetryWaitMs: 0,
  synAnswered: true,
  tlsRoundTrips: 0,
  tlsClientMs: 0,
};

test("phases tile from the start; a boundary earlier than the cursor gives no phase", () => {
  // A pipelined request: sent at 5 ms, while the previous exchange ended at 8 ms.
  const tl = new PhaseTimeline(5);
  tl.add("idle", 5, 4, 5);
  tl.add("request", 6, 5, 6);
  tl.add("wait", 30, 6, 9);
  // The response's first byte was stamped before the wait's end (timestamps out of order).
  tl.add("response", 29.5, 9, 12);
  tl.add("response", 31.25, 9, 12);
  assert.deepEqual(
    tl.phases.map((p) => [p.name, p.startMs, p.durationMs, p.frames]),
    [
      ["request", 5, 1, [5, 6]],
      ["wait", 6, 24, [6, 9]],
      ["response", 30, 1.25, [9, 12]],
    ],
  );
  assert.equal(tl.durationMs, 26.25);
  assert.equal(tl.endMs, 31.25);
});

test("times are kept to the nanosecond", () => {
  const tl = new PhaseTimeline(0.1 + 0.2);
  assert.equal(tl.startMs, 0.3);
  // 0.4 ns past the start is no time at all: no phase.
  tl.add("wait", 0.3000004, 1, 2);
  assert.equal(tl.phases.length, 0);
  tl.add("wait", 0.3000016, 1, 2);
  assert.deepEqual(
    tl.phases.map((p) => [p.startMs, p.durationMs]),
    [[0.3, 0.000002]],
  );
});

test("a client-side wait charges one RTT to the network and the rest to the server app", () => {
  const tl = new PhaseTimeline(0);
  tl.add("wait", 150, 4, 6);
  const [wait] = tl.charged(CLIENT_SIDE);
  assert.deepEqual(wait.charges, { network: 20, "server-app": 130 });
  assert.equal(wait.layer, "server-app");
  // Shorter than the RTT: all network.
  const short = new PhaseTimeline(0);
  short.add("wait", 12.5, 4, 6);
  assert.deepEqual(short.charged(CLIENT_SIDE)[0].charges, { network: 12.5 });
  // Server-side and loopback captures see only the server's time.
  for (const vantage of ["server-side", "loopback"] as const) {
    const s = new PhaseTimeline(0);
    s.add("wait", 150, 4, 6);
    assert.deepEqual(s.charged({ ...CLIENT_SIDE, vantage })[0].charges, { "server-app": 150 });
  }
  for (const vantage of ["middle", "unknown"] as const) {
    const s = new PhaseTimeline(0);
    s.add("wait", 150, 4, 6);
    assert.deepEqual(s.charged({ ...CLIENT_SIDE, vantage })[0].charges, {
      network: 20,
      "server-app": 130,
    });
  }
});

test("connect: a retried SYN's wait goes to the server OS when answered, else the network", () => {
  const answered = new PhaseTimeline(0);
  answered.add("connect", 3020.5, 1, 9);
  const [c] = answered.charged({ ...CLIENT_SIDE, synRetryWaitMs: 3000 });
  assert.deepEqual(c.charges, { "server-os": 3000, network: 20.5 });
  assert.equal(c.layer, "server-os");
  const unanswered = new PhaseTimeline(0);
  unanswered.add("connect", 3020.5, 1, 9);
  const [u] = unanswered.charged({ ...CLIENT_SIDE, synRetryWaitMs: 3000, synAnswered: false });
  assert.deepEqual(u.charges, { network: 3020.5 });
});

test("tls: one RTT of network per handshake round trip, the rest to the server app", () => {
  const tl = new PhaseTimeline(10);
  tl.add("tls", 110, 4, 9);
  const [p] = tl.charged({ ...CLIENT_SIDE, tlsRoundTrips: 2 });
  assert.deepEqual(p.charges, { network: 40, "server-app": 60 });
  assert.equal(p.layer, "server-app");
});

test("tls: the end after the server's last flight is the client's; the rest as before", () => {
  const tl = new PhaseTimeline(10);
  tl.add("tls", 710, 4, 11);
  const [p] = tl.charged({ ...CLIENT_SIDE, tlsRoundTrips: 2, tlsClientMs: 600 });
  assert.deepEqual(p.charges, { network: 40, "server-app": 60, "client-app": 600 });
  assert.equal(p.layer, "client-app");
  // Never more than the phase: all of it the client's.
  const short = new PhaseTimeline(0);
  short.add("tls", 5, 4, 11);
  const [q] = short.charged({ ...CLIENT_SIDE, tlsRoundTrips: 1, tlsClientMs: 9 });
  assert.deepEqual(q.charges, { "client-app": 5 });
});

test("dns, client-gap, idle, request and response each go to one layer; a transfer is the network's", () => {
  const tl = new PhaseTimeline(0);
  tl.add("dns", 1, 1, 2);
  tl.add("client-gap", 2, 2, 3);
  tl.add("connect", 3, 3, 5);
  tl.add("idle", 4, 5, 6);
  tl.add("request", 5, 6, 7);
  tl.add("wait", 6, 7, 8);
  tl.add("response", 7, 8, 9);
  assert.deepEqual(
    tl.charged(CLIENT_SIDE).map((p) => [p.name, p.layer]),
    [
      ["dns", "dns"],
      ["client-gap", "client-app"],
      ["connect", "network"],
      ["idle", "client-app"],
      ["request", "network"],
      ["wait", "network"],
      ["response", "network"],
    ],
  );
});
