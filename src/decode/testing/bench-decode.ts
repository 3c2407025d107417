/**
 * Decode speed. Run: node --import tsx src/decode/testing/bench-decode.ts [CORPUS_FILE] [BIG_CAPTURE]
 *
 * 1. Decode only: the packets of one corpus file (default http_espn.pcapng) are copied into memory
 *    once, then decoded ITERATIONS times; reports ns/packet, packets/s and MB/s of packet bytes.
 * 2. Read + decode: a large capture (default bench/data/loopback-http.pcap, when present) read with
 *    readCapture, once without and once with decodePacket in the callback, so the decode share of
 *    the end-to-end rate shows.
 */
import { existsSync, statSync } from "node:fs";
import { readCapture } from "../../capture/index.ts";
import { corpusPath } from "../../testing/corpus.ts";
import { createPacketView, decodePacket } from "../index.ts";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const corpusFile = process.argv[2] ?? "http_espn.pcapng";
const bigCapture = process.argv[3] ?? "bench/data/loopback-http.pcap";

const packets: { linkType: number; bytes: Uint8Array; originalLenBytes: number }[] = [];
await readCapture(corpusPath(corpusFile), (r) => {
  packets.push({
    linkType: r.linkType,
    bytes: r.dataView.slice(),
    originalLenBytes: r.originalLenBytes,
  });
});
const totalBytes = packets.reduce((sum, p) => sum + p.bytes.length, 0);
const view = createPacketView();
let checksum = 0;
// Warm up until the optimizing compiler has seen enough packets, whatever the file size.
for (let warm = 0; warm * packets.length < 200_000; warm++) {
  for (const p of packets)
    checksum += decodePacket(p.linkType, p.bytes, p.originalLenBytes, view).payloadLenBytes;
}
const start = process.hrtime.bigint();
for (let i = 0; i < ITERATIONS; i++) {
  for (const p of packets)
    checksum += decodePacket(p.linkType, p.bytes, p.originalLenBytes, view).payloadLenBytes;
}
const elapsedNs = Number(process.hrtime.bigint() - start);
const decoded = packets.length * ITERATIONS;
console.log(
  `decode only, ${corpusFile}: ${packets.length} packets × ${ITERATIONS}: ` +
    `${(elapsedNs / decoded).toFixed(1)} ns/packet, ${((decoded / elapsedNs) * 1e3).toFixed(2)} M packets/s, ` +
    `${(((totalBytes * ITERATIONS) / elapsedNs) * 1e3).toFixed(0)} MB/s of packet bytes (checksum ${checksum})`,
);

if (existsSync(bigCapture)) {
  const sizeMB = statSync(bigCapture).size / 1e6;
  for (const withDecode of [false, true, false, true]) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    await readCapture(bigCapture, (r) => {
      if (withDecode) decodePacket(r.linkType, r.dataView, r.originalLenBytes, view);
      n++;
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `${withDecode ? "read + decode" : "read only    "}, ${bigCapture}: ${sizeMB.toFixed(0)} MB, ${n} packets ` +
        `in ${seconds.toFixed(3)} s: ${(sizeMB / seconds).toFixed(0)} MB/s, ${(n / seconds / 1e6).toFixed(2)} M packets/s`,
    );
  }
}
