import assert from "node:assert/strict";
import test from "node:test";
import { counterDeltas, parsePairedCounters, parseSnmp6 } from "./snmp-counters.ts";

// From this machine's /proc/net/snmp and snmp6.
const SNMP = `Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 3241 3167 25 8 0 76965 75201 16 0 109 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 101 0 0 102 0 0 0 0 0
`;

test("paired header/value lines become Group.Name counters", () => {
  const c = parsePairedCounters(SNMP);
  assert.equal(c["Tcp.RetransSegs"], 16);
  assert.equal(c["Tcp.MaxConn"], -1);
  assert.equal(c["Tcp.OutRsts"], 109);
  assert.equal(c["Udp.RcvbufErrors"], 0);
  assert.equal(c["Udp.OutDatagrams"], 102);
});

test("snmp6 names split into group and counter", () => {
  const c = parseSnmp6(
    "Ip6InReceives                   \t5\nUdp6RcvbufErrors                \t3\n",
  );
  assert.equal(c["Ip6.InReceives"], 5);
  assert.equal(c["Udp6.RcvbufErrors"], 3);
});

test("deltas subtract the earlier reading", () => {
  const before = parsePairedCounters(SNMP);
  const after = parsePairedCounters(SNMP.replace(" 16 0 109 0", " 19 0 109 0"));
  const d = counterDeltas(before, after);
  assert.equal(d["Tcp.RetransSegs"], 3);
  assert.equal(d["Tcp.OutRsts"], 0);
});
