/**
 * looksLikeDns on DNS messages this project recorded (a resolver on a random port, and the
 * slow-dns lab's), and on what must not pass for DNS: HTTP payloads and DNS headers broken one
 * field at a time.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readCapture } from "../capture/index.ts";
import { createPacketView, decodePacket } from "../decode/index.ts";
import { repoRoot } from "../testing/corpus.ts";
import { looksLikeDns } from "./dns-sniff.ts";
import { writeDnsRandomPortCapture } from "./testing/dns-random-port.ts";

/** Copies of every UDP and TCP payload of a capture, by transport. */
async function payloads(path: string): Promise<{ udp: Uint8Array[]; tcp: Uint8Array[] }> {
  const view = createPacketView();
  const out = { udp: [] as Uint8Array[], tcp: [] as Uint8Array[] };
  await readCapture(path, (r) => {
    decodePacket(r.linkType, r.dataView, r.originalLenBytes, view);
    if (view.payloadCapturedBytes <= 0) return;
    const bytes = view.bytes.slice(
      view.payloadOffset,
      view.payloadOffset + view.payloadCapturedBytes,
    );
    if (view.transport === "udp") out.udp.push(bytes);
    if (view.transport === "tcp") out.tcp.push(bytes);
  });
  return out;
}

test("queries and responses recorded here are DNS, whatever the port", async () => {
  const path = writeDnsRandomPortCapture();
  try {
    const { udp, tcp } = await payloads(path);
    assert.equal(udp.length, 2);
    for (const m of udp) assert.ok(looksLikeDns(m, 0, m.length));
    // HTTP request and response heads are not.
    assert.equal(tcp.length, 2);
    for (const m of tcp) assert.equal(looksLikeDns(m, 0, m.length), false);
  } finally {
    rmSync(path, { force: true });
  }
  const lab = await payloads(join(repoRoot, "test/fixtures/labs/slow-dns.pcap"));
  assert.equal(lab.udp.length, 2);
  for (const m of lab.udp) assert.ok(looksLikeDns(m, 0, m.length));
});

test("a header broken in one field is not DNS", async () => {
  const path = writeDnsRandomPortCapture();
  let query: Uint8Array;
  let response: Uint8Array;
  try {
    [query, response] = (await payloads(path)).udp;
  } finally {
    rmSync(path, { force: true });
  }
  const broken = (m: Uint8Array, at: number, value: number) => {
    const copy = m.slice();
    copy[at] = value;
    return looksLikeDns(copy, 0, copy.length);
  };
  assert.equal(broken(query, 2, 0x28), false, "opcode UPDATE");
  assert.equal(broken(query, 5, 2), false, "two questions");
  assert.equal(broken(query, 7, 1), false, "a query with an answer");
  assert.equal(broken(query, 3, 0x40), false, "Z bit");
  assert.equal(broken(query, 12, 64), false, "label longer than 63");
  assert.equal(broken(query, query.length - 1, 0x02), false, "class CS");
  assert.equal(broken(response, 7, 9), false, "more answers than the datagram holds");
  assert.equal(looksLikeDns(query, 0, 16), false, "cut short");
  // The same message at an offset inside a larger buffer.
  const padded = new Uint8Array(query.length + 8);
  padded.set(query, 8);
  assert.ok(looksLikeDns(padded, 8, padded.length));
});
