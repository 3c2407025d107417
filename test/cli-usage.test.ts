/**
 * Usage errors (an unknown command or option, a missing or extra argument, a bad number) exit 2
 * (INPUT_ERROR, as the README's exit codes say), with one message that starts with `wirewhy:` and
 * names what was wrong; --help and --version exit 0.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../src/testing/run-cli.ts";

describe("usage errors", () => {
  for (const [args, names] of [
    [["analyzee"], /unknown command 'analyzee'/],
    [["analyze", "--bogus", "x.pcap"], /unknown option '--bogus'/],
    [["conns", "a.pcap", "b.pcap"], /too many arguments for 'conns'/],
    [["analyze", "-c", "abc", "x.pcap"], /positive whole number, got "abc"/],
    [["probe"], /missing required argument/],
  ] as const) {
    it(`wirewhy ${args.join(" ")}: exit 2, "wirewhy: …" naming it`, async () => {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^wirewhy: /);
      assert.match(r.stderr, names);
      assert.equal(r.stdout, "");
    });
  }

  it("--help and --version exit 0 on stdout", async () => {
    for (const args of [["--help"], ["analyze", "--help"], ["--version"]]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.ok(r.stdout.length > 0);
    }
  });
});
