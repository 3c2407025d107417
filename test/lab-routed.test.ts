/**
 * Live labs on a routed path: client and server namespaces joined through a router namespace
 * (loss by iptables statistic drops, a tbf bottleneck, a DROP rule, a delay line for the RTT).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requireLabMachine, runLabAndAssert } from "../src/lab/testing/lab-run-assertions.ts";

describe("routed labs", { concurrency: 1 }, () => {
  it("packet-loss: the router drops, the server retransmits", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("packet-loss");
    assert.ok(Number(result.facts.droppedByRouter) > 0);
  });

  it("bandwidth-bottleneck: the download runs at the tbf rate", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("bandwidth-bottleneck");
    // 512 KiB at 8 Mbit/s is ~524 ms on the wire.
    assert.ok(Number(result.facts.transferMs) > 450 && Number(result.facts.transferMs) < 800);
  });

  it("syn-unanswered: connect times out after SYN retries", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("syn-unanswered");
    assert.equal(result.facts.clientError, "ETIMEDOUT");
  });

  it("path-mtu-black-hole: the head arrives, full-size segments never do, the client gives up", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("path-mtu-black-hole");
    assert.equal(result.facts.clientError, "ETIMEDOUT");
    assert.ok(Number(result.facts.icmpDroppedByRouter) >= 2);
  });

  it("receive-window-limited: one small window per 20 ms round trip", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("receive-window-limited");
    // 192 KiB at ~2 segments per 20 ms is well over a second; unlimited, a few round trips.
    assert.ok(Number(result.facts.transferMs) > 900, `${result.facts.transferMs} ms`);
  });
});
