/**
 * analyzeCapture on the shared corpus (../shared/captures, read in place) and on the diagnose
 * stage's own captures (src/diagnose/testing/fixtures, recorded on this machine by
 * record-fixtures.sh): every file gives an Analysis that validates against the published schema
 * (or a clear, coded error), every exchange's layer charges add up to its duration, each finding
 * kind the labs do not make is found where a capture shows it, with its layer, cost and frames,
 * and healthy captures stay quiet.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { analysisSchema } from "../src/diagnose/analysis-schema.ts";
import { type Analysis, analyzeCapture } from "../src/diagnose/index.ts";
import type { Finding } from "../src/model/finding.ts";
import { corpusDir, corpusPath, readReference, requireCorpus } from "../src/testing/corpus.ts";

const own = fileURLToPath(new URL("../src/diagnose/testing/fixtures/", import.meta.url));
const examples = fileURLToPath(new URL("../examples/", import.meta.url));

function finding(analysis: Analysis, kind: string): Finding {
  const found = analysis.findings.find((f) => f.kind === kind);
  assert.ok(found, `no ${kind} in ${analysis.findings.map((f) => f.kind).join(", ")}`);
  return found;
}

function near(actual: number, expected: number, share = 0.1): void {
  assert.ok(
    Math.abs(actual - expected) <= Math.max(share * Math.abs(expected), 0.002),
    `${actual} vs ${expected}`,
  );
}

function assertChargesAddUp(analysis: Analysis, name: string): void {
  for (const exchange of analysis.exchanges) {
    let sum = 0;
    for (const phase of exchange.phases) {
      for (const ms of Object.values(phase.charges)) sum += ms ?? 0;
    }
    assert.ok(Math.abs(sum - exchange.durationMs) < 1e-6, `${name}: exchange ${exchange.id}`);
  }
  const byLayer = Object.values(analysis.summary.byLayer).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(byLayer - analysis.summary.totalMs) < 1e-4, `${name}: byLayer`);
  assert.equal(analysis.exchanges.length + analysis.exchangesOmitted, analysis.summary.exchanges);
}

describe("diagnose on the shared corpus", () => {
  it("every file gives a valid Analysis or a coded error; charges add up", async (t) => {
    if (!requireCorpus(t)) return;
    const files = readdirSync(corpusDir).filter((f) => !f.endsWith(".tsv"));
    assert.ok(files.length >= readReference().length);
    const errors: string[] = [];
    for (const file of files) {
      let analysis: Analysis;
      try {
        analysis = await analyzeCapture(corpusPath(file), { all: true });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        assert.match(String(code), /^WW_ERR_/, `${file}: ${String(error)}`);
        errors.push(file);
        continue;
      }
      const parsed = analysisSchema.safeParse(analysis);
      assert.ok(parsed.success, `${file}: ${JSON.stringify(parsed.error?.issues.slice(0, 2))}`);
      assertChargesAddUp(analysis, file);
      for (const f of analysis.findings) {
        assert.ok(
          f.evidence.frames.every((n) => n <= analysis.capture.packets),
          file,
        );
      }
    }
    // Only the pcapng whose section header is unusable cannot be read at all.
    assert.deepEqual(errors, ["shb-option-too-long.pcapng"]);
  });

  it("network-round-trips: a client-side GET pays the handshake and the wait's round trip (get.pcap)", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("get.pcap"));
    const f = finding(a, "network-round-trips");
    assert.equal(f.layer, "network");
    assert.equal(f.severity, "info");
    // SYN → SYN/ACK 69.740 ms (frames 1, 2) and the wait's RTT: 2 × ~70 ms.
    near(f.costMs, 2 * 69.74, 0.01);
    assert.deepEqual(f.evidence.frames, [4]);
    assert.equal(a.vantage.kind, "client-side");
  });

  it("connect-to-request-idle: client-certificate.pcap's client takes 5 s to answer the CertificateRequest", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("client-certificate.pcap"));
    const f = a.findings[0]!;
    assert.deepEqual(
      [f.kind, f.layer, f.severity, f.count],
      ["connect-to-request-idle", "client-app", "warning", 1],
    );
    // The server's flight with its CertificateRequest ends with frame 11 (65.713 ms); the
    // client's Certificate flight begins with frame 13 (5041.252 ms): a client-side capture, so
    // all of that gap is the client's; then 0.255 ms from the server's Finished (frame 21) to the
    // request (frame 23); and the 1.575 ms between the TCP handshake (frame 3) and the ClientHello.
    near(f.costMs, 32.887 - 31.312 + (5041.252 - 65.713) + (5074.713 - 5074.458), 0.0001);
    assert.deepEqual(f.evidence.frames, [4, 23]);
    assert.ok(a.summary.byLayer["server-app"] < 20, JSON.stringify(a.summary.byLayer));
    assert.match(
      a.summary.headline,
      /^1 of 2 requests was slow; 100% of the excess was the client app/,
    );
  });

  it("connect-to-request-idle: hrr.pcap's client sends its ClientHello 1.0 s after connecting", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("hrr.pcap"));
    const f = finding(a, "connect-to-request-idle");
    assert.deepEqual([f.layer, f.severity, f.count], ["client-app", "warning", 1]);
    // The handshake's ACK (frame 3, 0.012563 s) → the ClientHello (frame 4, 1.014949 s).
    near(f.costMs, 1014.949 - 12.563, 0.01);
    assert.deepEqual(f.evidence.frames, [3, 4]);
  });

  it("reordering: the segment after a hole arrives 0.25 ms late (hrr.pcap frame 11)", async (t) => {
    if (!requireCorpus(t)) return;
    const f = finding(await analyzeCapture(corpusPath("hrr.pcap")), "reordering");
    assert.equal(f.layer, "network");
    // Frame 9 at 1.059471 s overtook frame 11 at 1.059721 s.
    near(f.costMs, 0.25, 0.01);
    assert.deepEqual(f.evidence.frames, [11]);
  });

  it("slow-response-body: the server holds its long-poll answer 31 s (docker-http-upgrade.pcap)", async (t) => {
    if (!requireCorpus(t)) return;
    const f = finding(
      await analyzeCapture(corpusPath("docker-http-upgrade.pcap")),
      "slow-response-body",
    );
    assert.equal(f.layer, "server-app");
    // Frame 19 (headers, 0.284498 s) → frame 191 (the body, 31.219385 s).
    near(f.costMs, 31219.385 - 284.498);
    assert.deepEqual(f.evidence.frames, [19, 191]);
  });

  it("client-think-time: 350 ms before the next request on a keep-alive connection (pipelined-requests.pcap)", async (t) => {
    if (!requireCorpus(t)) return;
    const f = finding(
      await analyzeCapture(corpusPath("pipelined-requests.pcap")),
      "client-think-time",
    );
    assert.equal(f.layer, "client-app");
    assert.equal(f.severity, "info");
    near(f.costMs, 494.44 - 144.769, 0.001);
    assert.deepEqual(f.evidence.frames, [12, 14]);
  });

  it("connection-not-reused: 8 TLS connections to one server, one request each (google-cert-repeat.pcap)", async (t) => {
    if (!requireCorpus(t)) return;
    const f = finding(
      await analyzeCapture(corpusPath("google-cert-repeat.pcap")),
      "connection-not-reused",
    );
    assert.equal(f.layer, "client-app");
    assert.equal(f.count, 8);
    assert.equal(f.endpoint, "142.250.179.196:443");
    // Three round trips each (TCP, then TLS 1.2's two); tshark's SYN → SYN/ACK sum is 71.066 ms.
    near(f.costMs, 3 * 71.066);
    assert.deepEqual(f.evidence.frames, [1, 15, 29, 43, 57, 73]);
  });

  it("google-cert-repeat.pcap: handshakes that end with the client's alert are complete, and the idle after them is the client's", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("google-cert-repeat.pcap"), { all: true });
    assert.equal(a.summary.failures, 0);
    assert.doesNotMatch(a.summary.headline, /failed/);
    assert.equal(a.exchanges.length, 8);
    assert.ok(a.exchanges.every((x) => x.outcome === "complete" && x.response === null));
    // Connection 0 (tshark): ClientHello frame 4 at 7.070 ms; the server's last flight (New
    // Session Ticket, CCS, Finished) frame 9 at 25.797 ms; the client's encrypted alert frame 11
    // at 659.283 ms. The handshake ends the exchange at the alert; the 633 ms after the server's
    // Finished are the client's, and so are the 3.292 ms it took to answer the server's first
    // flight (frame 6 at 15.738 ms → its key exchange, frame 8 at 19.030 ms: at the client, no
    // propagation in that gap); two TLS 1.2 round trips of 6.562 ms are the network's.
    const first = a.exchanges.find((x) => x.connection === 0)!;
    const tls = first.phases.find((p) => p.name === "tls")!;
    assert.deepEqual(tls.frames, [4, 11]);
    near(tls.durationMs, 659.283 - 7.07, 0.001);
    near(tls.charges["client-app"]!, 659.283 - 25.797 + (19.03 - 15.738), 0.001);
    near(tls.charges.network!, 2 * 6.562, 0.001);
    assert.equal(tls.layer, "client-app");
    // Across the eight: the client holds the idle seconds, the server a few ms per handshake.
    assert.ok(a.summary.byLayer["client-app"] > 5000, JSON.stringify(a.summary.byLayer));
    assert.ok(a.summary.byLayer["server-app"] < 8 * 10, JSON.stringify(a.summary.byLayer));
  });

  it("hrr.pcap: a TLS 1.3 handshake closed by the client's close_notify (frame 16) is one complete exchange, no failure", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("hrr.pcap"), { all: true });
    assert.equal(a.summary.failures, 0);
    assert.equal(a.exchanges.length, 1);
    const x = a.exchanges[0]!;
    assert.equal(x.outcome, "complete");
    // ClientHello (frame 4) → the client's 24-byte close_notify (frame 16, 1845.389 ms); the
    // client had sent its Finished (frame 13) and then nothing for 783 ms: the client's time.
    const tls = x.phases.find((p) => p.name === "tls")!;
    assert.deepEqual(tls.frames, [4, 16]);
    near(x.startMs + x.durationMs, 1845.389, 0.0001);
    assert.equal(tls.layer, "client-app");
    assert.ok(tls.charges["client-app"]! > 780, JSON.stringify(tls.charges));
  });

  it("dns-failure: a lookup never answered despite four retries (nowebaccess1.pcapng)", async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyzeCapture(corpusPath("nowebaccess1.pcapng"));
    const f = a.findings[0]!;
    assert.equal(f.kind, "dns-failure");
    assert.equal(f.layer, "dns");
    assert.equal(f.severity, "error");
    // First query (frame 3, 0.000105 s) → last retry (frame 9, 7.999648 s).
    near(f.costMs, 7999.648 - 0.105, 0.001);
    assert.deepEqual(f.evidence.frames, [3, 9]);
  });

  it("syn-unanswered, connection-refused, zero-window on the corpus's own examples", async (t) => {
    if (!requireCorpus(t)) return;
    const syn = (await analyzeCapture(corpusPath("nowebaccess3.pcapng"))).findings[0]!;
    assert.deepEqual([syn.kind, syn.layer, syn.severity], ["syn-unanswered", "network", "error"]);
    const refused = (await analyzeCapture(corpusPath("tcp_refuseconnection.pcapng"))).findings[0]!;
    assert.deepEqual([refused.kind, refused.layer], ["connection-refused", "server-os"]);
    assert.deepEqual(refused.evidence.frames, [1, 2]);
    const zero = (await analyzeCapture(corpusPath("tcp_zerowindowdead.pcapng"))).findings[0]!;
    assert.deepEqual([zero.kind, zero.layer], ["zero-window", "client-app"]);
    assert.deepEqual(zero.evidence.frames, [2, 8]);
  });
});

describe("diagnose on its own captures", () => {
  it("http-server-error: GET /fail answered 500 (frame 9) on a keep-alive connection", async () => {
    const a = await analyzeCapture(`${own}http-500.pcap`);
    assert.ok(analysisSchema.safeParse(a).success);
    const f = a.findings[0]!;
    assert.deepEqual(
      [f.kind, f.layer, f.severity, f.count],
      ["http-server-error", "server-app", "error", 1],
    );
    // Request (frame 8, 12.019 ms) → response (frame 9, 12.440 ms): wait and response phases.
    near(f.costMs, 0.421, 0.01);
    assert.deepEqual(f.evidence.frames, [9]);
    assert.equal(f.evidence.facts?.status, 500);
    assert.equal(a.summary.exchanges, 3);
  });

  it("middlebox-reset: the router's forged RSTs (TTL 64, the server's packets 127)", async () => {
    const a = await analyzeCapture(`${own}middlebox-reset.pcap`);
    const f = a.findings[0]!;
    assert.deepEqual(
      [f.kind, f.layer, f.severity, f.count],
      ["middlebox-reset", "network", "error", 2],
    );
    // Each blocked request → its reset: frames 8 → 9 (0.024 ms) and 13 → 14 (0.005 ms).
    near(f.costMs, 0.029, 0.05);
    assert.deepEqual(f.evidence.frames, [8, 9, 13, 14]);
    assert.equal(a.summary.failures, 2);
  });

  it("slow-request-body and slow-response-body: a client and a server writing 150 ms apart", async () => {
    const a = await analyzeCapture(`${own}slow-bodies.pcap`);
    const request = finding(a, "slow-request-body");
    assert.deepEqual([request.layer, request.count], ["client-app", 2]);
    // Frames 5 → 6 and 7 → 8: the server had acknowledged everything each time.
    near(request.costMs, 149.857 - 1.159 + (303.376 - 149.873), 0.01);
    assert.deepEqual(request.evidence.frames, [6, 8]);
    const response = finding(a, "slow-response-body");
    assert.deepEqual([response.layer, response.count], ["server-app", 2]);
    near(response.costMs, 456.611 - 305.543 + (611.43 - 456.631), 0.01);
    assert.deepEqual(response.evidence.frames, [12, 14]);
  });

  it("a healthy keep-alive capture gives no finding of warning or above costing more than 5 ms", async () => {
    for (const file of [`${own}healthy-nginx.pcap`, `${examples}healthy-keep-alive.pcap`]) {
      const a = await analyzeCapture(file);
      assert.ok(a.summary.exchanges >= 20, file);
      for (const f of a.findings) {
        assert.ok(f.severity === "info" || f.costMs <= 5, `${file}: ${f.kind} ${f.costMs}`);
      }
      assert.equal(a.summary.failures, 0);
      assert.match(a.summary.headline, /^No problem found: \d+ requests, all healthy$/);
    }
  });

  it("a slow reader behind its own small SO_RCVBUF is the client app, not Nagle on the sender", async () => {
    // The client reads 4 KiB every 100 ms: each server segment fills the client's 2,920-byte
    // window, and the client's kernel lets more in only after a read (or its delayed-ACK timer,
    // with a smaller window: 8 zero windows). Before, the server's segment after each late ACK
    // read as "Nagle x delayed ACK on the server" (7 stalls, 312 ms).
    const a = await analyzeCapture(`${own}slow-reader-stall.pcap`);
    assert.equal(
      a.findings.find((f) => f.kind === "nagle-delayed-ack"),
      undefined,
      a.findings.map((f) => f.kind).join(", "),
    );
    const f = a.findings[0]!;
    assert.deepEqual(
      [f.kind, f.layer, f.severity, f.count],
      ["receive-window-limited", "client-app", "warning", 1],
    );
    // The response's first (0.004 s) to last data segment (1.508 s).
    near(f.costMs, 1507.777 - 4.19, 0.01);
    assert.deepEqual(f.evidence.frames, [6, 76]);
    assert.equal(f.evidence.facts?.readerBehind, "yes");
    assert.equal(f.evidence.facts?.heldWaits, 19);
    assert.equal(f.evidence.facts?.boundWaits, 20);
    assert.deepEqual(
      [finding(a, "zero-window").layer, finding(a, "zero-window").count],
      ["client-app", 8],
    );
    assert.ok(a.summary.byLayer["client-app"] > 1400, JSON.stringify(a.summary.byLayer));
    assert.ok(a.summary.byLayer["server-app"] < 10, JSON.stringify(a.summary.byLayer));
    assert.match(
      a.summary.headline,
      /^1 of 1 request was slow; 100% of the excess was the client app/,
    );
  });

  it("20 Connection: close requests on loopback blame no one and find no window", async () => {
    const a = await analyzeCapture(`${own}connection-close.pcap`);
    assert.equal(a.summary.exchanges, 20);
    assert.equal(a.summary.connections, 20);
    for (const f of a.findings) {
      assert.equal(f.severity, "info", `${f.kind} ${f.layer} ${f.costMs}`);
      assert.notEqual(f.kind, "receive-window-limited");
      assert.notEqual(f.kind, "client-think-time");
      assert.notEqual(f.kind, "connect-to-request-idle");
    }
    assert.ok(a.summary.byLayer["client-app"] < 5, JSON.stringify(a.summary.byLayer));
    assert.equal(a.summary.failures, 0);
    assert.equal(a.summary.headline, "No problem found: 20 requests, all healthy");
  });

  it("a server that greets 300 ms after the handshake is the server's wait, not the client's", async () => {
    const a = await analyzeCapture(`${own}server-greeting.pcap`);
    const f = a.findings[0]!;
    assert.deepEqual([f.kind, f.layer], ["server-think-time", "server-app"]);
    near(f.costMs, 303, 0.02);
    for (const other of a.findings) assert.notEqual(other.layer, "client-app", other.kind);
  });

  it("a fast 32 MiB download on loopback gives no window or bandwidth finding", async () => {
    const a = await analyzeCapture(`${own}bulk-download.pcap`);
    assert.equal(a.summary.exchanges, 1);
    for (const f of a.findings) {
      assert.equal(f.severity, "info", `${f.kind} ${f.layer} ${f.costMs}`);
      assert.ok(
        ![
          "receive-window-limited",
          "zero-window",
          "bandwidth-bottleneck",
          "nagle-delayed-ack",
        ].includes(f.kind),
        f.kind,
      );
    }
    assert.equal(a.summary.headline, "No problem found: 1 request, all healthy");
  });

  it("a TLS 1.3 keep-alive session (curl, 4 requests on one connection) is healthy; its close_notify is no request", async () => {
    const a = await analyzeCapture(`${own}healthy-tls13-curl.pcap`, { all: true });
    // curl closes first (close_notify frame 19, FIN 20); the server's close_notify (frame 21)
    // reaches a closed socket and the client's kernel resets (frame 22).
    assert.deepEqual(
      a.exchanges.map((x) => [x.request.firstFrame, x.outcome]),
      [
        [9, "complete"],
        [13, "complete"],
        [15, "complete"],
        [17, "complete"],
      ],
    );
    assert.equal(a.summary.failures, 0);
    assert.match(a.summary.headline, /^No problem found: 4 requests, all healthy$/);
    assert.deepEqual(
      a.findings.map((f) => [f.kind, f.layer, f.severity, f.costMs, f.evidence.frames]),
      [["tls-shutdown-reset", "client-os", "info", 0, [20, 21, 22]]],
    );
  });

  it("a line protocol with an instant server: 10 generic exchanges, no server think time", async () => {
    const a = await analyzeCapture(`${own}line-protocol-instant.pcap`, { all: true });
    assert.equal(a.exchanges.length, 10);
    assert.ok(a.exchanges.every((x) => x.protocol === "generic" && x.outcome === "complete"));
    // The slowest answer (frame 24 -> 25) took 1.02 ms: under SERVER_THINK_MIN_MS (10 ms).
    const waits = a.exchanges.map((x) => x.phases.find((p) => p.name === "wait")!.durationMs);
    assert.ok(Math.max(...waits) < 2, `${waits}`);
    assert.ok(!a.findings.some((f) => f.kind === "server-think-time"));
    assert.equal(a.summary.failures, 0);
    assert.equal(a.summary.headline, "No problem found: 10 requests, all healthy");
  });

  it("examples/loopback-http.pcap: only its refused connection and its slow /slow request", async () => {
    const a = await analyzeCapture(`${examples}loopback-http.pcap`);
    assert.deepEqual(
      a.findings.filter((f) => f.severity !== "info").map((f) => [f.kind, f.layer]),
      [
        ["connection-refused", "server-os"],
        ["server-think-time", "server-app"],
      ],
    );
    assert.match(finding(a, "server-think-time").title, /GET \/slow/);
    near(finding(a, "server-think-time").costMs, 300, 0.02);
  });

  it("clientPorts keeps only the named connections (wirewhy probe's own)", async () => {
    // Connection 0 is from client port 40870 (frames 1-9), connection 1 from 40874 (10-14).
    const a = await analyzeCapture(`${own}middlebox-reset.pcap`, { clientPorts: [40874] });
    assert.equal(a.summary.connections, 1);
    const f = a.findings[0]!;
    assert.deepEqual([f.kind, f.count, f.evidence.frames], ["middlebox-reset", 1, [13, 14]]);
    assert.deepEqual(f.evidence.connections, [1]);
  });

  it("keeps only the slowest exchanges unless asked for all", async () => {
    const file = `${own}healthy-nginx.pcap`;
    const three = await analyzeCapture(file, { slowest: 3 });
    const all = await analyzeCapture(file, { all: true });
    assert.equal(three.exchanges.length, 3);
    assert.equal(three.exchangesOmitted, all.exchanges.length - 3);
    const slowestAll = [...all.exchanges].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
    assert.deepEqual(
      three.exchanges.map((x) => x.durationMs),
      slowestAll.map((x) => x.durationMs),
    );
  });
});
