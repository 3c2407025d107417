import assert from "node:assert/strict";
import test from "node:test";
import { decodeProcAddress, parseProcNetSockets } from "./proc-net-sockets.ts";

// Read from this machine's /proc/net/tcp, tcp6 and udp (a listener on 0.0.0.0:2024, a Node
// listener on [::1]:8443, a Node UDP socket on 127.0.0.1:5533).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 636 1 000000009389119b 100 0 0 10 0
   1: 0100007F:AABE 0100007F:ACF3 06 00000000:00000000 03:00000968 00000000     0        0 0 3 00000000292c1a67
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 117260 1 00000000124c529d 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  117: 0100007F:159D 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 118695 2 00000000023eac06 0
`;

test("IPv4 lines: listener and TIME_WAIT with addresses, ports, state, inode", () => {
  const [listen, tw] = parseProcNetSockets(TCP, "tcp");
  assert.deepEqual(
    [listen.localAddress, listen.localPort, listen.state, listen.inode, listen.rxQueue],
    ["0.0.0.0", 2024, "LISTEN", 636, 0],
  );
  assert.deepEqual(
    [tw.localAddress, tw.localPort, tw.remoteAddress, tw.remotePort, tw.state, tw.inode],
    ["127.0.0.1", 43710, "127.0.0.1", 44275, "TIME_WAIT", 0],
  );
});

test("IPv6 lines decode to compressed text (::1)", () => {
  const [s] = parseProcNetSockets(TCP6, "tcp");
  assert.equal(s.family, 6);
  assert.equal(s.localAddress, "::1");
  assert.equal(s.localPort, 8443);
  assert.equal(s.remoteAddress, "::");
  assert.equal(s.inode, 117260);
});

test("UDP lines carry the drops column", () => {
  const [s] = parseProcNetSockets(UDP, "udp");
  assert.deepEqual(
    [s.protocol, s.localAddress, s.localPort, s.state, s.drops],
    ["udp", "127.0.0.1", 5533, "CLOSE", 0],
  );
});

test("IPv4-mapped IPv6 addresses print as ss prints them", () => {
  assert.equal(decodeProcAddress("0000000000000000FFFF00000100007F").address, "::ffff:127.0.0.1");
  assert.equal(decodeProcAddress("B80D0120000000000000000001000000").address, "2001:db8::1");
});
