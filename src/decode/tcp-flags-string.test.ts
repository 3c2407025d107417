import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tcpFlagsString } from "./tcp-flags-string.ts";
import { TcpFlag } from "./types.ts";

const { FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE } = TcpFlag;

describe("tcpFlagsString", () => {
  for (const [flags, text] of [
    [SYN, "S"],
    [SYN | ACK, "S."],
    [PSH | ACK, "P."],
    [FIN | ACK, "F."],
    [FIN | PSH | ACK, "FP."],
    [RST, "R"],
    [RST | ACK, "R."],
    [ACK, "."],
    [SYN | ECE | CWR, "SEW"], // an ECN-setup SYN (RFC 3168 §6.1.1)
    [SYN | ACK | ECE, "S.E"],
    [ACK | URG, ".U"],
    [SYN | AE, "Se"],
    [0, "none"],
  ] as const) {
    it(`0x${flags.toString(16).padStart(3, "0")} → ${text}`, () => {
      assert.equal(tcpFlagsString(flags), text);
    });
  }
});
