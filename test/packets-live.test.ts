/**
 * `wirewhy packets -` on a pipe (a live `tcpdump -U -w -`): each packet's line goes out as it is
 * read, not when 64 KiB of lines have gathered or the input ends.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { corpusPath, repoRoot, requireCorpus } from "../src/testing/corpus.ts";

test("packets -: the first packet's line arrives while the pipe is still open", async (t) => {
  if (!requireCorpus(t)) return;
  const pcap = readFileSync(corpusPath("get.pcap"));
  // The file header and the first record (16-byte header + its captured length, little-endian).
  const first = 24 + 16 + pcap.readUInt32LE(24 + 8);
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "packets", "-"], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  try {
    const line = new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("\n")) resolve(out);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code} before a line: ${out}`)));
      setTimeout(() => reject(new Error("no line within 20 s of the packet")), 20_000).unref();
    });
    child.stdin.write(pcap.subarray(0, first));
    const text = await line;
    assert.match(
      text,
      /^ {5}1 +0\.000000 {2}141\.142\.228\.5:59856 > 192\.150\.187\.43:80: TCP \[S\]/,
    );
    // The pipe is still open: the line did not wait for the end of the input.
    assert.equal(child.exitCode, null);
  } finally {
    child.stdin.end();
    child.kill();
  }
});

for (const command of ["packets", "analyze"]) {
  test(`${command} -: SIGINT on a live pipe finishes the pass and prints the report, exit 0`, async (t) => {
    if (!requireCorpus(t)) return;
    const pcap = readFileSync(corpusPath("get.pcap"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", command, "-"], {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      err += c;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // The whole capture, the pipe left open (tcpdump still running), then Ctrl-C.
    child.stdin.write(pcap);
    await new Promise((r) => setTimeout(r, 3000));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, err);
    assert.match(
      err,
      /wirewhy: interrupted: the report covers the 14 packets read before the signal/,
    );
    if (command === "packets") assert.equal(out.trimEnd().split("\n").length, 14);
    else assert.match(out, /No problem found: 1 request, all healthy/);
  });
}
