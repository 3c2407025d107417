/** DnsLinks: which answered lookup a new connection is linked to, and for how long. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DnsTransaction } from "../proto/dns/dns-transaction.ts";
import { DNS_LINK_WINDOW_MS, DnsLinks, MAX_LINKABLE_ANSWERS } from "./dns-links.ts";

function answer(
  addresses: string[],
  responseTimeMs: number,
  client = "10.0.0.2 40000",
): DnsTransaction {
  return {
    protocol: "dns",
    kind: "transaction",
    transport: "udp",
    client,
    server: "10.0.0.53 53",
    id: 1,
    qname: "api.example",
    qtype: 1,
    qtypeName: "A",
    queryFrame: 1,
    queryTimeMs: responseTimeMs - 30,
    retries: 0,
    retryFrames: [],
    retryIntervalsMs: [],
    serversAsked: 1,
    answered: true,
    responseFrame: 2,
    responseTimeMs,
    latencyMs: 30,
    serverLatencyMs: 30,
    rcode: 0,
    rcodeName: "NOERROR",
    truncated: false,
    answerCount: addresses.length,
    addresses,
    cnames: [],
    extraResponses: 0,
  };
}

test("a connection from the asking host to an answered address, soon after, is linked once", () => {
  const links = new DnsLinks();
  links.add(answer(["192.0.2.7", "192.0.2.8"], 100), 5);
  // Another host, or an address not in the answer: no link.
  assert.equal(links.take("10.0.0.3", "192.0.2.7", 120), undefined);
  assert.equal(links.take("10.0.0.2", "192.0.2.9", 120), undefined);
  // Before the answer came: no link.
  assert.equal(links.take("10.0.0.2", "192.0.2.7", 99), undefined);
  const link = links.take("10.0.0.2", "192.0.2.7", 120);
  assert.equal(link?.exchangeId, 5);
  // The second connection to that address reused the answer.
  assert.equal(links.take("10.0.0.2", "192.0.2.7", 130), undefined);
  // The answer's other address is still linkable.
  assert.equal(links.take("10.0.0.2", "192.0.2.8", 130)?.exchangeId, 5);
});

test("answers older than the window are forgotten", () => {
  const links = new DnsLinks();
  links.add(answer(["192.0.2.7"], 100), 0);
  assert.equal(links.take("10.0.0.2", "192.0.2.7", 100 + DNS_LINK_WINDOW_MS + 1), undefined);
  assert.equal(links.size, 0);
  links.add(answer(["192.0.2.7"], 100), 1);
  assert.equal(links.take("10.0.0.2", "192.0.2.7", 100 + DNS_LINK_WINDOW_MS)?.exchangeId, 1);
});

test("unanswered lookups link nothing; the number of addresses kept is bounded", () => {
  const links = new DnsLinks();
  links.add({ ...answer(["192.0.2.7"], 100), answered: false }, 0);
  assert.equal(links.size, 0);
  for (let i = 0; i < MAX_LINKABLE_ANSWERS + 10; i++) {
    links.add(answer([`198.51.${i >> 8}.${i & 255}`], 100), i);
  }
  assert.equal(links.size, MAX_LINKABLE_ANSWERS);
  // The oldest went first.
  assert.equal(links.take("10.0.0.2", "198.51.0.0", 101), undefined);
  assert.equal(links.take("10.0.0.2", "198.51.0.10", 101)?.exchangeId, 10);
});
