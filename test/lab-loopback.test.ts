/**
 * Live labs on a loopback (the lab's own namespace, MTU 1500): each makes its cause happen for
 * real, captures it, and must show it. Sequential: they use tcpdump and time-sensitive servers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requireLabMachine, runLabAndAssert } from "../src/lab/testing/lab-run-assertions.ts";

describe("loopback labs", { concurrency: 1 }, () => {
  it("server-think-time: three answers, each 250 ms late", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("server-think-time");
    assert.equal(result.expected.costMs, 750);
    assert.ok(Number(result.facts.clientElapsedMs) >= 750);
  });

  it("accept-queue-overflow: SYNs dropped while the event loop is blocked", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("accept-queue-overflow");
    assert.equal(result.facts.failedRequests, 0);
    assert.ok(Number(result.facts.slowestConnectMs) >= 2500);
  });

  it("connection-refused: ECONNREFUSED three times", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("connection-refused");
    assert.equal(result.facts.errorCodes, "ECONNREFUSED,ECONNREFUSED,ECONNREFUSED");
  });

  it("reset-unread-data: the server's kernel resets the upload", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("reset-unread-data");
    assert.match(String(result.facts.clientError), /^(ECONNRESET|EPIPE|HTTP 413)$/);
  });

  it("abortive-reset: ECONNRESET after the handler's 30 ms", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("abortive-reset");
    assert.equal(result.facts.clientError, "ECONNRESET");
  });

  it("nagle-delayed-ack: most requests stall ~40 ms", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("nagle-delayed-ack");
    assert.ok(Number(result.facts.stalledRequests) >= 9);
    assert.ok(Number(result.facts.medianRequestMs) >= 40);
  });

  it("keep-alive-reuse-race: the reused request fails with ECONNRESET", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("keep-alive-reuse-race");
    assert.equal(result.facts.secondRequest, "ECONNRESET");
  });

  it("server-push-stream: one line in, 100 chunks out over ~2 s", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("server-push-stream");
    assert.equal(result.facts.receivedBytes, 20_000);
    assert.ok(Number(result.facts.clientElapsedMs) >= 1980);
  });

  it("connect-then-wait: the request leaves 500 ms after the handshake", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("connect-then-wait");
    assert.equal(result.facts.status, "200");
    assert.ok(Number(result.facts.clientElapsedMs) >= 500);
  });

  it("line-protocol-think-time: ten turns of an unknown protocol, each answered 80 ms late", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("line-protocol-think-time");
    assert.equal(result.facts.answers, 10);
    assert.equal(result.expected.costMs, 800);
  });

  it("client-certificate-wait: the client holds its Certificate flight 400 ms", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("client-certificate-wait");
    assert.equal(result.facts.status, "200");
    assert.equal(result.facts.peerCertificateSeen, "true");
    assert.ok(Number(result.facts.clientElapsedMs) >= 400);
  });

  it("tls-shutdown-reset: three responses whole, then the client's close_notify draws RST", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("tls-shutdown-reset");
    assert.equal(result.facts.clientErrors, "none");
    assert.equal(result.facts.responses, "HTTP/1.1 200 OK,HTTP/1.1 200 OK,HTTP/1.1 200 OK");
  });

  it("slow-tls-handshake: three handshakes, each 300 ms in the SNI callback", async (t) => {
    if (!requireLabMachine(t)) return;
    const result = await runLabAndAssert("slow-tls-handshake");
    assert.equal(result.expected.costMs, 900);
  });
});
