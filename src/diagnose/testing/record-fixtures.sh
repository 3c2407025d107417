#!/bin/sh
# Records the diagnose stage's own test captures on this machine (run as root, from the repo
# root): src/diagnose/testing/fixtures/*.pcap. Every byte comes from traffic made here.
#
#   healthy-nginx.pcap   nginx on loopback, 20 keep-alive GETs on one connection (curl)
#   http-500.pcap        a Node server on loopback: GET /ok → 200, GET /fail → 500, keep-alive
#   middlebox-reset.pcap client ─ router ─ server in network namespaces; the server's IP TTL is
#                        128, and the router answers the client's "GET /blocked" with a TCP reset
#                        forged from the server's address (iptables REJECT --reject-with
#                        tcp-reset, TTL 64): the capture is taken in the client's namespace.
#   slow-bodies.pcap     a Node client uploads a body in 3 writes 150 ms apart; the Node server
#                        answers in 3 writes 150 ms apart (loopback)
#   slow-reader-stall.pcap  a Python client sets SO_RCVBUF 4096 and reads 4 KiB every 100 ms from a
#                        Node server's 48 KiB response (a namespace's lo, MTU 1500, offloads off)
#   connection-close.pcap   curl, 20 GETs each with "Connection: close" (a new connection each) to
#                        a Node server on loopback
#   bulk-download.pcap      curl downloads 32 MiB from a Node server on loopback (snaplen 128)
#   server-greeting.pcap    a server that speaks first: its "220" greeting 300 ms after the
#                        handshake, the client's QUIT at once after it (loopback)
#   pmtu-recovered.pcap  client ─ router ─ server in network namespaces; the router's link to the
#                        client has MTU 1400 and the router drops its own ICMP frag-needed (the
#                        path-mtu-black-hole lab), but the server has net.ipv4.tcp_mtu_probing=1:
#                        after its retransmission timeouts it lowers its MSS (RFC 4821) and the
#                        body gets through in smaller segments; curl waits up to 20 s. Captured at
#                        the server.
#   pmtu-icmp-seen.pcap  the same path, the router's frag-needed let through, but the server's own
#                        firewall drops it (INPUT): the capture at the server holds the ICMP, and
#                        the server resends full-size segments until curl gives up after 3 s.
#   outage-after-head.pcap the same path at MTU 1500; 250 ms after curl starts (the head is sent at
#                        once, the body 500 ms later) the router drops everything the server sends
#                        (iptables FORWARD DROP): an outage, not a black hole; curl gives up at 3 s.
#   glibc-search-walk.pcap curl (glibc's resolver, A and AAAA in parallel) in a namespace whose
#                        resolv.conf (/etc/netns/NS/resolv.conf, which `ip netns exec` mounts) has
#                        3 search domains and ndots:5, against a Node DNS server on its loopback
#                        that answers NXDOMAIN to suffixed names after 40 ms and the bare name at
#                        once; then curl's GET to a Node HTTP server. Captured on that loopback.
#   healthy-tls13-curl.pcap  curl -k --http1.1 with 4 URLs: 4 keep-alive GETs over one TLS 1.3
#                        connection to a Node https server (loopback); curl closes with close_notify
#   line-protocol-instant.pcap  a line protocol on a free port ("GET key-N\r\n" -> "VALUE ...\r\n"),
#                        10 turns on one connection, a Node server that answers at once (loopback)
#
# A fixture that exists is kept (tests name its frames): delete it to record it again.
set -eu
out=src/diagnose/testing/fixtures
mkdir -p "$out"
tmp=$(mktemp -d)
ns="wwdiag$$"
cleanup() {
  [ -n "${dump:-}" ] && kill "$dump" 2>/dev/null || true
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  for n in c r s l; do ip netns del "$ns$n" 2>/dev/null || true; done
  ip netns del "${ns}d" 2>/dev/null || true
  rm -rf "/etc/netns/${ns}d"
  rmdir /etc/netns 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

capture() { # iface file filter [netns] [snaplen]
  if [ -n "${4:-}" ]; then
    ip netns exec "$4" timeout 20 tcpdump -U --immediate-mode -i "$1" -s "${5:-0}" -w "$2" "$3" 2>/dev/null &
  else
    timeout 20 tcpdump -U --immediate-mode -i "$1" -s "${5:-0}" -w "$2" "$3" 2>/dev/null &
  fi
  dump=$!
  sleep 1
}
stop_capture() { sleep 0.5; kill -INT "$dump"; wait "$dump" || true; dump=; }

# client ─ router ─ server namespaces (10.77.1.0/24, 10.77.2.0/24), the router's link to the
# client at MTU $1, forwarding on, offloads off so the capture shows the wire's segments.
routed_path() { # mtu
  for n in c r s; do ip netns del "$ns$n" 2>/dev/null || true; done
  ip netns add "${ns}c"; ip netns add "${ns}r"; ip netns add "${ns}s"
  ip link add "${ns}c0" type veth peer name "${ns}r0"
  ip link add "${ns}r1" type veth peer name "${ns}s0"
  ip link set "${ns}c0" netns "${ns}c"; ip link set "${ns}r0" netns "${ns}r"
  ip link set "${ns}r1" netns "${ns}r"; ip link set "${ns}s0" netns "${ns}s"
  ip -n "${ns}c" addr add 10.77.1.2/24 dev "${ns}c0"; ip -n "${ns}c" link set "${ns}c0" up
  ip -n "${ns}r" addr add 10.77.1.1/24 dev "${ns}r0"; ip -n "${ns}r" link set "${ns}r0" mtu "$1" up
  ip -n "${ns}r" addr add 10.77.2.1/24 dev "${ns}r1"; ip -n "${ns}r" link set "${ns}r1" up
  ip -n "${ns}s" addr add 10.77.2.2/24 dev "${ns}s0"; ip -n "${ns}s" link set "${ns}s0" up
  for n in c r s; do ip -n "$ns$n" link set lo up; done
  ip -n "${ns}c" route add default via 10.77.1.1
  ip -n "${ns}s" route add default via 10.77.2.1
  ip netns exec "${ns}r" sysctl -q -w net.ipv4.ip_forward=1
  for n in c s; do ip netns exec "$ns$n" ethtool -K "$ns${n}0" tso off gso off gro off 2>/dev/null || true; done
  ip netns exec "${ns}r" ethtool -K "${ns}r0" tso off gso off gro off 2>/dev/null || true
  ip netns exec "${ns}r" ethtool -K "${ns}r1" tso off gso off gro off 2>/dev/null || true
}

# 1. healthy nginx keep-alive
if [ ! -f "$out/healthy-nginx.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/www" "$tmp/logs"
head -c 2048 /dev/zero | tr '\0' 'x' > "$tmp/www/page.html"
cat > "$tmp/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fcgi;
  uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  keepalive_timeout 30s; keepalive_requests 1000;
  server { listen 127.0.0.1:$port; root $tmp/www; }
}
CONF
nginx -c "$tmp/nginx.conf"
sleep 0.5
capture lo "$out/healthy-nginx.pcap" "tcp port $port"
urls=""
for i in $(seq 1 20); do urls="$urls http://127.0.0.1:$port/page.html"; done
# shellcheck disable=SC2086
timeout 10 curl -s $urls >/dev/null
stop_capture
kill "$(cat "$tmp/nginx.pid")"; rm -f "$tmp/nginx.pid"
fi

# 2. HTTP 500 from a Node server
if [ ! -f "$out/http-500.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  require("http").createServer((req, res) => {
    const fail = req.url === "/fail";
    res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" });
    res.end(fail ? "internal error\n" : "ok\n");
  }).listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.5
capture lo "$out/http-500.pcap" "tcp port $port"
timeout 10 curl -s "http://127.0.0.1:$port/ok" "http://127.0.0.1:$port/fail" "http://127.0.0.1:$port/ok" >/dev/null
stop_capture
kill "$server"; server=
fi

# 3. A reset forged by a router (middlebox)
if [ ! -f "$out/middlebox-reset.pcap" ]; then
ip netns add "${ns}c"; ip netns add "${ns}r"; ip netns add "${ns}s"
ip link add "${ns}c0" type veth peer name "${ns}r0"
ip link add "${ns}r1" type veth peer name "${ns}s0"
ip link set "${ns}c0" netns "${ns}c"; ip link set "${ns}r0" netns "${ns}r"
ip link set "${ns}r1" netns "${ns}r"; ip link set "${ns}s0" netns "${ns}s"
ip -n "${ns}c" addr add 10.77.1.2/24 dev "${ns}c0"; ip -n "${ns}c" link set "${ns}c0" up
ip -n "${ns}r" addr add 10.77.1.1/24 dev "${ns}r0"; ip -n "${ns}r" link set "${ns}r0" up
ip -n "${ns}r" addr add 10.77.2.1/24 dev "${ns}r1"; ip -n "${ns}r" link set "${ns}r1" up
ip -n "${ns}s" addr add 10.77.2.2/24 dev "${ns}s0"; ip -n "${ns}s" link set "${ns}s0" up
for n in c r s; do ip -n "$ns$n" link set lo up; done
ip -n "${ns}c" route add default via 10.77.1.1
ip -n "${ns}s" route add default via 10.77.2.1
ip netns exec "${ns}r" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "${ns}s" sysctl -q -w net.ipv4.ip_default_ttl=128
for n in c s; do ip netns exec "$ns$n" ethtool -K "$ns${n}0" tso off gso off gro off 2>/dev/null || true; done
ip netns exec "${ns}r" iptables -A FORWARD -p tcp --dport 8080 -m string --string "GET /blocked" --algo bm -j REJECT --reject-with tcp-reset
ip netns exec "${ns}s" timeout 20 node -e '
  require("http").createServer((req, res) => res.end("ok\n")).listen(8080, "10.77.2.2");' &
server=$!
sleep 0.7
capture "${ns}c0" "$out/middlebox-reset.pcap" "tcp port 8080" "${ns}c"
ip netns exec "${ns}c" timeout 10 curl -s "http://10.77.2.2:8080/ok" "http://10.77.2.2:8080/blocked" >/dev/null || true
stop_capture
kill "$server"; server=
fi

# 4. Slow request and response bodies
if [ ! -f "$out/slow-bodies.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  require("http").createServer(async (req, res) => {
    for await (const _ of req);
    res.writeHead(200, { "content-type": "text/plain", "content-length": "3000" });
    for (let i = 0; i < 3; i++) { res.write("r".repeat(1000)); await pause(150); }
    res.end();
  }).listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.5
capture lo "$out/slow-bodies.pcap" "tcp port $port"
timeout 10 node -e '
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const req = require("http").request({ host: "127.0.0.1", port: Number(process.argv[1]),
    method: "POST", path: "/upload", headers: { "content-length": "3000" } }, (res) => res.resume());
  req.setNoDelay(true);
  (async () => { for (let i = 0; i < 3; i++) { req.write("u".repeat(1000)); await pause(150); } req.end(); })();' "$port"
stop_capture
kill "$server"; server=
fi
# 5. A slow reader behind a small SO_RCVBUF (it set it itself), stalling the sender's window
if [ ! -f "$out/slow-reader-stall.pcap" ]; then
ip netns add "${ns}l"
ip -n "${ns}l" link set lo mtu 1500 up
ip netns exec "${ns}l" ethtool -K lo tso off gso off gro off 2>/dev/null || true
ip netns exec "${ns}l" timeout 20 node -e '
  const body = Buffer.alloc(48 * 1024, 0x73);
  require("http").createServer((req, res) => { req.resume(); res.end(body); })
    .listen(8080, "127.0.0.1");' &
server=$!
sleep 0.7
capture lo "$out/slow-reader-stall.pcap" "tcp port 8080" "${ns}l"
ip netns exec "${ns}l" timeout 15 python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", 8080))
s.sendall(b"GET /big HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
while s.recv(4096):
    time.sleep(0.1)'
stop_capture
kill "$server"; server=
ip netns del "${ns}l"
fi

# 6. Many "Connection: close" requests on a fast path
if [ ! -f "$out/connection-close.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  require("http").createServer((req, res) => res.end("ok\n"))
    .listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.5
capture lo "$out/connection-close.pcap" "tcp port $port"
for i in $(seq 1 20); do
  timeout 5 curl -s -H "Connection: close" "http://127.0.0.1:$port/item/$i" >/dev/null
done
stop_capture
kill "$server"; server=
fi

# 7. A fast bulk download on loopback
if [ ! -f "$out/bulk-download.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  const body = Buffer.alloc(32 * 1024 * 1024, 0x62);
  require("http").createServer((req, res) => res.end(body))
    .listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.7
capture lo "$out/bulk-download.pcap" "tcp port $port" "" 128
timeout 10 curl -s "http://127.0.0.1:$port/bulk" >/dev/null
stop_capture
kill "$server"; server=
fi
# 8. A server-first protocol whose greeting comes late: the wait is the server's
if [ ! -f "$out/server-greeting.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  require("net").createServer((socket) => {
    setTimeout(() => socket.write("220 lab ready\r\n"), 300);
    socket.on("data", () => socket.end("221 bye\r\n"));
  }).listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.5
capture lo "$out/server-greeting.pcap" "tcp port $port"
timeout 5 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(100)
s.sendall(b"QUIT\r\n")
while s.recv(100):
    pass' "$port"
stop_capture
kill "$server"; server=
fi
# 9. A path-MTU black hole that the sender's packetization-layer PMTUD gets through
if [ ! -f "$out/pmtu-recovered.pcap" ]; then
routed_path 1400
ip netns exec "${ns}s" sysctl -q -w net.ipv4.tcp_mtu_probing=1
ip netns exec "${ns}r" iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
ip netns exec "${ns}s" timeout 30 node -e '
  require("http").createServer((req, res) => {
    res.setHeader("content-length", 6400);
    res.flushHeaders();
    setTimeout(() => res.end(Buffer.alloc(6400, 0x6d)), 20);
  }).listen(8080, "10.77.2.2");' &
server=$!
sleep 0.7
capture "${ns}s0" "$out/pmtu-recovered.pcap" "tcp port 8080 or icmp" "${ns}s"
ip netns exec "${ns}c" timeout 25 curl -s --max-time 20 "http://10.77.2.2:8080/big" >/dev/null || true
stop_capture
kill "$server"; server=
for n in c r s; do ip netns del "$ns$n" 2>/dev/null || true; done
fi
# 10. Frag-needed that reaches the sender's interface and is dropped by its own firewall
if [ ! -f "$out/pmtu-icmp-seen.pcap" ]; then
routed_path 1400
ip netns exec "${ns}s" sysctl -q -w net.ipv4.tcp_mtu_probing=0
ip netns exec "${ns}s" iptables -A INPUT -p icmp --icmp-type fragmentation-needed -j DROP
ip netns exec "${ns}s" timeout 30 node -e '
  require("http").createServer((req, res) => {
    res.setHeader("content-length", 6400);
    res.flushHeaders();
    setTimeout(() => res.end(Buffer.alloc(6400, 0x6d)), 20);
  }).listen(8080, "10.77.2.2");' &
server=$!
sleep 0.7
capture "${ns}s0" "$out/pmtu-icmp-seen.pcap" "tcp port 8080 or icmp" "${ns}s"
ip netns exec "${ns}c" timeout 25 curl -s --max-time 3 "http://10.77.2.2:8080/big" >/dev/null || true
stop_capture
kill "$server"; server=
for n in c r s; do ip netns del "$ns$n" 2>/dev/null || true; done
fi
# 11. An outage after the response head: everything from the server is dropped
if [ ! -f "$out/outage-after-head.pcap" ]; then
routed_path 1500
ip netns exec "${ns}s" sysctl -q -w net.ipv4.tcp_mtu_probing=0
ip netns exec "${ns}s" timeout 30 node -e '
  require("http").createServer((req, res) => {
    res.setHeader("content-length", 6400);
    res.flushHeaders();
    setTimeout(() => res.end(Buffer.alloc(6400, 0x6d)), 500);
  }).listen(8080, "10.77.2.2");' &
server=$!
sleep 0.7
capture "${ns}s0" "$out/outage-after-head.pcap" "tcp port 8080 or icmp" "${ns}s"
ip netns exec "${ns}c" timeout 25 curl -s --max-time 3 "http://10.77.2.2:8080/big" >/dev/null &
client=$!
sleep 0.25
ip netns exec "${ns}r" iptables -A FORWARD -i "${ns}r1" -j DROP
wait "$client" || true
stop_capture
kill "$server"; server=
for n in c r s; do ip netns del "$ns$n" 2>/dev/null || true; done
fi
# 12. A real resolver (glibc) walking a search list
if [ ! -f "$out/glibc-search-walk.pcap" ]; then
ip netns add "${ns}d"
ip -n "${ns}d" link set lo mtu 1500 up
ip netns exec "${ns}d" ethtool -K lo tso off gso off gro off 2>/dev/null || true
mkdir -p "/etc/netns/${ns}d"
printf 'nameserver 127.0.0.1\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n' > "/etc/netns/${ns}d/resolv.conf"
ip netns exec "${ns}d" timeout 20 node -e '
  const sock = require("dgram").createSocket("udp4");
  sock.on("message", (q, from) => {
    let at = 12; const labels = [];
    while (q[at] !== 0) { labels.push(q.toString("latin1", at + 1, at + 1 + q[at])); at += q[at] + 1; }
    const end = at + 5, qtype = q.readUInt16BE(at + 1), name = labels.join(".").toLowerCase();
    const head = Buffer.from(q.subarray(0, 12)); head.writeUInt32BE(0, 8);
    const reply = (rcode, records) => {
      head.writeUInt16BE(0x8180 | rcode, 2); head.writeUInt16BE(records.length ? 1 : 0, 6);
      sock.send(Buffer.concat([head, q.subarray(12, end), ...records]), from.port, from.address);
    };
    if (name !== "api.example.test") return setTimeout(() => reply(3, []), 40);
    reply(0, qtype === 1 ? [Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1])] : []);
  }).bind(53, "127.0.0.1");
  require("http").createServer((req, res) => res.end("found\n")).listen(8080, "127.0.0.1");' &
server=$!
sleep 0.7
capture lo "$out/glibc-search-walk.pcap" "udp port 53 or tcp port 8080" "${ns}d"
ip netns exec "${ns}d" timeout 10 curl -s "http://api.example.test:8080/" >/dev/null || true
stop_capture
kill "$server"; server=
ip netns del "${ns}d"; rm -rf "/etc/netns/${ns}d"; rmdir /etc/netns 2>/dev/null || true
fi
# 13. A healthy TLS 1.3 keep-alive session: curl, 4 requests on one connection
if [ ! -f "$out/healthy-tls13-curl.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" \
  -out "$tmp/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null
timeout 20 node -e '
  const fs = require("fs");
  require("https").createServer({ key: fs.readFileSync(process.argv[2]), cert: fs.readFileSync(process.argv[3]) },
    (req, res) => res.end("fine\n")).listen(Number(process.argv[1]), "127.0.0.1");' \
  "$port" "$tmp/key.pem" "$tmp/cert.pem" &
server=$!
sleep 0.7
capture lo "$out/healthy-tls13-curl.pcap" "tcp port $port"
u="https://127.0.0.1:$port"
timeout 10 curl -s -k --http1.1 --tlsv1.3 "$u/a" "$u/b" "$u/c" "$u/d" >/dev/null
stop_capture
kill "$server"; server=
fi
# 14. A line protocol whose server answers at once: 10 turns on one connection
if [ ! -f "$out/line-protocol-instant.pcap" ]; then
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 node -e '
  require("net").createServer((socket) => {
    socket.setNoDelay(true);
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n"); end >= 0; end = pending.indexOf("\r\n")) {
        const key = pending.slice(4, end);
        pending = pending.slice(end + 2);
        socket.write(`VALUE ${key} ${key.length * 7}\r\n`);
      }
    });
    socket.on("error", () => {});
  }).listen(Number(process.argv[1]), "127.0.0.1");' "$port" &
server=$!
sleep 0.5
capture lo "$out/line-protocol-instant.pcap" "tcp port $port"
timeout 10 node -e '
  const socket = require("net").connect(Number(process.argv[1]), "127.0.0.1");
  socket.setNoDelay(true);
  let turn = 0;
  const next = () => (turn < 10 ? socket.write(`GET key-${turn++}\r\n`) : socket.end());
  socket.on("connect", next);
  socket.on("data", next);' "$port"
stop_capture
kill "$server"; server=
fi
ls -l "$out"
