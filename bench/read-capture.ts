/**
 * Capture-reader throughput alone: readCapture over a file with a callback that touches every
 * record (sums captured lengths and the first byte), REPEAT times, with MB/s, packets/s and the
 * peak RSS; then `tcpdump -r FILE -w /dev/null` on the same file for comparison.
 *
 * Usage: npx tsx bench/read-capture.ts [FILE] [--repeat N]
 *   (FILE defaults to bench/data/loopback-http.pcap, made by bench/make-capture.ts)
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { readCapture } from "../src/capture/index.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--repeat");
const repeat = at >= 0 ? Number(args[at + 1]) : 5;
const file =
  args.find((a, i) => !a.startsWith("--") && (at < 0 || i !== at + 1)) ??
  "bench/data/loopback-http.pcap";
const sizeMB = statSync(file).size / 1e6;

const baselineRssMB = process.resourceUsage().maxRSS / 1024;
const seconds: number[] = [];
let packets = 0;
let fileBytes = 0;
for (let i = 0; i < repeat; i++) {
  let bytes = 0;
  let firstBytes = 0;
  const started = process.hrtime.bigint();
  const meta = await readCapture(file, (record) => {
    bytes += record.dataView.length;
    firstBytes += record.dataView[0] ?? 0;
  });
  seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  packets = meta.packets;
  fileBytes = meta.fileBytes;
  if (i === 0) {
    console.log(
      `${file}: ${meta.format}${meta.compression === "gzip" ? " (gzip)" : ""}, ${sizeMB.toFixed(0)} MB on disk, ${(meta.fileBytes / 1e6).toFixed(0)} MB read, ${packets} packets, ${bytes} captured bytes (checksum ${firstBytes})`,
    );
  }
}
const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)];
const readMB = fileBytes / 1e6;
const rssMB = process.resourceUsage().maxRSS / 1024;
console.log(
  `wirewhy readCapture: median ${(median * 1000).toFixed(0)} ms of ${repeat} = ${(readMB / median).toFixed(0)} MB/s (uncompressed), ${(packets / median / 1e6).toFixed(2)} M packets/s; peak RSS ${rssMB.toFixed(0)} MB (${baselineRssMB.toFixed(0)} MB before reading)`,
);

const tcpdumpStarted = process.hrtime.bigint();
const tcpdump = spawnSync("tcpdump", ["-r", file, "-w", "/dev/null"], { stdio: "ignore" });
const tcpdumpSec = Number(process.hrtime.bigint() - tcpdumpStarted) / 1e9;
if (tcpdump.status === 0) {
  console.log(
    `tcpdump -r -w /dev/null: ${(tcpdumpSec * 1000).toFixed(0)} ms = ${(sizeMB / tcpdumpSec).toFixed(0)} MB/s (wirewhy ${(tcpdumpSec / median).toFixed(1)}x)`,
  );
}
