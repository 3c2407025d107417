import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusPath, requireCommand, requireCorpus } from "../../testing/corpus.ts";
import type { ProtoMessage } from "../proto-message.ts";
import { parseCaptureProtocols } from "../testing/capture-protocols.ts";
import { tsharkFields } from "../testing/tshark.ts";
import type { ProtoAnomaly } from "../types.ts";
import { parseDnsMessage } from "./dns-message.ts";
import { DnsTcpParser } from "./dns-tcp-parser.ts";
import { DnsTracker } from "./dns-tracker.ts";
import type { DnsTransaction } from "./dns-transaction.ts";

function transactions(messages: ProtoMessage[]): DnsTransaction[] {
  return messages.filter((m): m is DnsTransaction => m.protocol === "dns");
}

/** A query or response made here: header, one question, optional A answers via a pointer. */
function dnsBytes(
  id: number,
  name: string,
  response: boolean,
  rcode: number,
  answers: number[][] = [],
): Uint8Array {
  const labels = name.split(".").flatMap((l) => [l.length, ...Buffer.from(l, "latin1")]);
  const header = [
    id >> 8,
    id & 0xff,
    response ? 0x81 : 0x01,
    response ? 0x80 | rcode : 0,
    0,
    1,
    0,
    answers.length,
    0,
    0,
    0,
    0,
  ];
  const question = [...labels, 0, 0, 1, 0, 1];
  const records = answers.flatMap((a) => [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...a]);
  return Uint8Array.from([...header, ...question, ...records]);
}

test("ids, rcodes and response times match tshark's dns.time within 1 ms", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  for (const file of [
    "dns_lab.pcapng",
    "test_dns.pcap",
    "nowebaccess1.pcapng",
    "wikipedia.pcap",
    "http_espn.pcapng",
  ]) {
    const path = corpusPath(file);
    const ours = transactions((await parseCaptureProtocols(path)).messages).filter(
      (x) => x.transport === "udp",
    );
    const theirs = tsharkFields(path, "dns.flags.response==1 && udp.port==53", [
      "frame.number",
      "dns.id",
      "dns.flags.rcode",
      "dns.time",
    ]);
    const answered = ours.filter((x) => x.answered);
    assert.deepEqual(
      answered.map((x) => `${x.responseFrame} ${x.id} ${x.rcode}`).sort(),
      theirs.map((r) => `${r[0]} ${Number(r[1])} ${r[2]}`).sort(),
      file,
    );
    const byFrame = new Map(answered.map((x) => [x.responseFrame, x]));
    for (const r of theirs) {
      const x = byFrame.get(Number(r[0])) as DnsTransaction;
      assert.ok(Math.abs(x.serverLatencyMs - Number(r[3]) * 1000) < 1, `${file} frame ${r[0]}`);
    }
    const queries = tsharkFields(path, "dns.flags.response==0 && udp.port==53", [
      "frame.number",
    ]).length;
    assert.equal(
      ours.reduce((n, x) => n + 1 + x.retries, 0),
      queries,
      `${file} queries`,
    );
  }
});

test("dns_lab: answers, NXDOMAIN and latency of each lookup", async (t) => {
  if (!requireCorpus(t)) return;
  const all = transactions((await parseCaptureProtocols(corpusPath("dns_lab.pcapng"))).messages);
  const cnn = all.find((x) => x.qname === "cnn.com") as DnsTransaction;
  assert.deepEqual(
    [cnn.qtypeName, cnn.queryFrame, cnn.responseFrame, cnn.rcodeName],
    ["A", 11, 12, "NOERROR"],
  );
  assert.deepEqual(cnn.addresses, [
    "151.101.128.73",
    "151.101.192.73",
    "151.101.0.73",
    "151.101.64.73",
  ]);
  assert.ok(Math.abs(cnn.latencyMs - 26.453) < 0.001);
  const missing = all.find((x) => x.qname === "test.chrissanders.org") as DnsTransaction;
  assert.deepEqual([missing.rcode, missing.rcodeName, missing.answerCount], [3, "NXDOMAIN", 0]);
});

test("a lookup never answered: retries to two resolvers with their intervals", async (t) => {
  if (!requireCorpus(t)) return;
  const [x] = transactions(
    (await parseCaptureProtocols(corpusPath("nowebaccess1.pcapng"))).messages,
  );
  assert.deepEqual(
    [x.qname, x.answered, x.queryFrame, x.retries, x.serversAsked],
    ["www.google.com", false, 3, 6, 2],
  );
  assert.deepEqual(x.retryFrames, [4, 5, 6, 7, 8, 9]);
  assert.deepEqual(
    x.retryIntervalsMs.map((ms) => Math.round(ms)),
    [999, 1000, 2000, 0, 4000, 0],
  );
});

test("compression pointers may only point backwards: a loop is a named problem, not a hang", () => {
  const bytes = dnsBytes(7, "example.com", true, 0, [[192, 0, 2, 1]]);
  const ok = parseDnsMessage(bytes, 0, bytes.length);
  assert.deepEqual([ok.problem, ok.qname, ok.addresses], ["", "example.com", ["192.0.2.1"]]);
  const looped = dnsBytes(7, "example.com", true, 0, [[192, 0, 2, 1]]);
  looped[30] = 29; // the answer's name pointer (at 29) now points at itself
  const m = parseDnsMessage(looped, 0, looped.length);
  assert.deepEqual([m.problem, m.qname, m.addresses], ["dns-bad-record", "example.com", []]);
});

test("DNS over TCP: two-byte length prefixes, split anywhere, feed the same tracker", () => {
  const messages: ProtoMessage[] = [];
  const anomalies: ProtoAnomaly[] = [];
  const tracker = new DnsTracker({
    message: (m) => messages.push(m),
    anomaly: (a) => anomalies.push(a),
  });
  const parser = new DnsTcpParser(tracker, "10.0.0.1 40000", "10.0.0.53 53");
  const frame = (b: Uint8Array) => Uint8Array.from([b.length >> 8, b.length & 0xff, ...b]);
  const q = frame(dnsBytes(0x1234, "a.example", false, 0));
  const r = frame(dnsBytes(0x1234, "a.example", true, 2));
  parser.onData(0, q.subarray(0, 1), 0, 1, 0);
  parser.onData(0, q.subarray(1), 1, 2, 1);
  parser.onData(1, r.subarray(0, 20), 0, 3, 30);
  parser.onData(1, r.subarray(20), 20, 4, 31.5);
  const [x] = transactions(messages);
  assert.deepEqual(
    [x.transport, x.id, x.qname, x.rcodeName, x.queryFrame, x.responseFrame, x.latencyMs],
    ["tcp", 0x1234, "a.example", "SERVFAIL", 1, 4, 31.5],
  );
  assert.deepEqual(anomalies, []);
});
