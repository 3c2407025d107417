import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusPath, requireCommand, requireCorpus } from "../../testing/corpus.ts";
import type { ProtoMessage } from "../proto-message.ts";
import { parseCaptureProtocols } from "../testing/capture-protocols.ts";
import { tsharkFields } from "../testing/tshark.ts";
import type { TurnMessage } from "../turns/turn-message.ts";
import type { TlsSessionMessage } from "./tls-message.ts";
import { tlsVersionName } from "./tls-names.ts";

function sessions(messages: ProtoMessage[]): TlsSessionMessage[] {
  return messages.filter(
    (m): m is TlsSessionMessage => m.protocol === "tls" && m.kind === "session",
  );
}

async function sessionsOf(file: string): Promise<TlsSessionMessage[]> {
  return sessions((await parseCaptureProtocols(corpusPath(file))).messages);
}

const TLS_FILES = [
  "tls13_wolfssl.pcap",
  "hrr.pcap",
  "chrome-1250-tls-x25519-kyber.pcap",
  "client-certificate.pcap",
  "ecdhe.pcap",
  "google-cert-repeat.pcap",
  "openjdk-25.0.2-zeek.org.pcap",
  "sv-tcp-fastopen-10-input.pcap",
  "tls_DER-incomplete-header.pcap",
];

test("SNI, offered ALPN, negotiated version and cipher match tshark on the TLS corpus", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  for (const file of TLS_FILES) {
    const ours = await sessionsOf(file);
    const path = corpusPath(file);
    // The last ClientHello of each connection (a HelloRetryRequest makes the client send two).
    const hellos = new Map<string, string[]>();
    for (const r of tsharkFields(path, "tls.handshake.type==1", [
      "tcp.stream",
      "tls.handshake.extensions_server_name",
      "tls.handshake.extensions_alpn_str",
    ])) {
      hellos.set(r[0], r);
    }
    assert.deepEqual(
      ours.map((s) => `${s.serverName}|${s.alpnOffered.join(",")}`),
      [...hellos.values()].map((r) => `${r[1]}|${r[2]}`),
      file,
    );
    const servers = tsharkFields(path, "tls.handshake.type==2", [
      "tcp.stream",
      "tls.handshake.extensions.supported_version",
      "tls.handshake.version",
      "tls.handshake.ciphersuite",
      "tls.handshake.extensions_alpn_str",
    ]);
    // The last ServerHello of each connection is the real one (an HRR comes first).
    const last = new Map<string, string[]>();
    for (const r of servers) last.set(r[0], r);
    assert.deepEqual(
      ours.filter((s) => s.serverHelloSeen).map((s) => `${s.version} ${s.cipherSuite} ${s.alpn}`),
      [...last.values()].map((r) => `${Number(r[1] || r[2])} ${Number(r[3])} ${r[4]}`),
      file,
    );
  }
});

test("a ClientHello spanning two segments is reassembled (Kyber key share)", async (t) => {
  if (!requireCorpus(t)) return;
  const [s] = await sessionsOf("chrome-1250-tls-x25519-kyber.pcap");
  assert.equal(s.serverName, "lh3.google.com");
  assert.deepEqual(s.versionsOffered, [0x0304, 0x0303]);
  // First byte in frame 4; tshark shows the reassembled message in frame 5.
  assert.equal(s.clientHelloFrame, 4);
  assert.equal(s.versionName, "TLS 1.3");
  assert.deepEqual([s.serverHelloFrame, s.handshakeRoundTrips, s.handshakeComplete], [6, 1, true]);
});

test("HelloRetryRequest: two ClientHellos, two round trips, the real ServerHello after it", async (t) => {
  if (!requireCorpus(t)) return;
  const [s] = await sessionsOf("hrr.pcap");
  assert.deepEqual(
    [s.helloRetryRequest, s.clientHelloCount, s.clientHelloFrame, s.serverHelloFrame],
    [true, 2, 4, 11],
  );
  assert.deepEqual(
    [s.version, s.cipherSuite, s.handshakeRoundTrips, s.clientFinishedFrame],
    [0x0304, 0x1302, 2, 13],
  );
});

test("TLS 1.2: certificates in clear, Finished after ChangeCipherSpec, two round trips", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  const [s] = await sessionsOf("ecdhe.pcap");
  const certs = tsharkFields(corpusPath("ecdhe.pcap"), "tls.handshake.type==11", [
    "tls.handshake.certificate_length",
  ]);
  assert.equal(s.certificateCount, certs[0][0].split(",").length);
  assert.deepEqual(
    [s.versionName, s.cipherSuite, s.clientHelloFrame, s.serverHelloFrame, s.serverFlightEndFrame],
    ["TLS 1.2", 0xc014, 4, 6, 10],
  );
  assert.deepEqual(
    [s.clientFinishedFrame, s.serverFinishedFrame, s.handshakeRoundTrips],
    [13, 16, 2],
  );
  assert.deepEqual(
    s.alerts.map((a) => a.name),
    ["encrypted"],
  );
});

test("mutual TLS is seen from the client's Certificate", async (t) => {
  if (!requireCorpus(t)) return;
  const [s] = await sessionsOf("client-certificate.pcap");
  assert.deepEqual([s.clientCertificate, s.alpn, s.certificateCount], [true, "http/1.1", 3]);
});

test("alerts in clear are named: bad_certificate from the client is fatal", async (t) => {
  if (!requireCorpus(t)) return;
  const r = await parseCaptureProtocols(corpusPath("tls_DER-incomplete-header.pcap"));
  const [s] = sessions(r.messages);
  assert.deepEqual(
    s.alerts.map((a) => [a.dir, a.level, a.name, a.frame]),
    [[0, 2, "bad_certificate", 7]],
  );
  assert.ok(
    r.anomalies.some((a) => a.name === "tls-fatal-alert" && a.detail === "bad_certificate"),
  );
});

test("application-data records become turns with their frames", async (t) => {
  if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
  const file = "client-certificate.pcap";
  const r = await parseCaptureProtocols(corpusPath(file));
  const turns = r.messages.filter(
    (m): m is TurnMessage => m.kind === "turn" && m.protocol === "tls",
  );
  const records = tsharkFields(corpusPath(file), "tls.record.content_type==23", [
    "frame.number",
    "tcp.srcport",
  ]);
  // One record per turn here; tshark shows a record in the frame that completes it.
  assert.equal(
    turns.reduce((n, t) => n + t.units, 0),
    records.length,
  );
  assert.deepEqual(
    turns.map((t) => t.dir),
    [0, 1, 0, 1],
  );
  assert.deepEqual(
    turns.map((t) => t.lastFrame),
    records.map((row) => Number(row[0])),
  );
  // The last response record spans two segments: its first byte came a frame earlier.
  assert.deepEqual([turns[3].firstFrame, turns[3].lastFrame, turns[3].bytes], [29, 30, 1764 + 5]);
});

test("version names", () => {
  assert.deepEqual([0x0301, 0x0304, 0x7f1c].map(tlsVersionName), ["TLS 1.0", "TLS 1.3", "0x7f1c"]);
});
