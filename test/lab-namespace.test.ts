/**
 * Live labs that need their own namespace for more than MTU: zero windows (realistic segments)
 * and a DNS server on port 53.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requireLabMachine, runLabAndAssert } from "../src/lab/testing/lab-run-assertions.ts";

describe("namespace labs", { concurrency: 1 }, () => {
  it("zero-window-client: the client's window closes while it does not read", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("zero-window-client");
    assert.ok(Number(result.facts.receivedBytes) > 1024 * 1024, "headers and body received");
  });

  it("zero-window-server: the server's window closes while the handler does not read", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("zero-window-server");
    assert.equal(result.facts.status, 200);
    assert.ok(Number(result.facts.uploadMs) >= 1000);
  });

  it("slow-reader: the client's 20 ms reads pace the download, not the path", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("slow-reader");
    assert.ok(Number(result.facts.receivedBytes) >= 128 * 1024, "headers and body read");
    assert.ok(Number(result.facts.clientElapsedMs) >= 700);
  });

  it("slow-dns: the lookup takes the DNS server's 400 ms", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("slow-dns");
    assert.ok(Number(result.facts.lookupMs) >= 400);
    assert.ok(Number(result.facts.requestMs) < 100);
  });

  it("dns-search-walk: three NXDOMAINs for the suffixed names before the name resolves", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("dns-search-walk");
    assert.equal(String(result.facts.namesTried).split(",").length, 4);
    assert.ok(Number(result.facts.lookupMs) >= 3 * 40);
  });
});
