#!/usr/bin/env bash
# Records the captures the decoder tests take their hexdumps from (src/decode/testing/packets.ts).
# Needs root, tcpdump, iproute2, iptables, python3. Creates the namespaces wwdA, wwdR, wwdB, wwdS,
# sends a bounded amount of traffic between them (and on their own loopbacks), then deletes them.
#
#   wwdA a0 10.9.1.1 fd09:1::1 ── r0 10.9.1.2 fd09:1::2 wwdR r1 10.9.2.1 fd09:2::1 ── b0 10.9.2.2 fd09:2::2 wwdB
#                  (MTU 1500)                                        (MTU 1280)
#
# Usage: record-packets.sh [OUTDIR]   (default /tmp/wirewhy-decode-packets)
set -euo pipefail
OUT=${1:-/tmp/wirewhy-decode-packets}
HERE=$(cd "$(dirname "$0")" && pwd)
CRAFT="python3 $HERE/craft-packets.py"
mkdir -p "$OUT"

cleanup() {
  for ns in wwdA wwdR wwdB wwdS; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup

for ns in wwdA wwdR wwdB wwdS; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip link add a0 netns wwdA address 02:00:0a:09:01:01 type veth peer r0 netns wwdR address 02:00:0a:09:01:02
ip link add r1 netns wwdR address 02:00:0a:09:02:01 mtu 1280 type veth peer b0 netns wwdB address 02:00:0a:09:02:02 mtu 1280
ip -n wwdA addr add 10.9.1.1/24 dev a0
ip -n wwdA addr add fd09:1::1/64 dev a0 nodad
ip -n wwdR addr add 10.9.1.2/24 dev r0
ip -n wwdR addr add fd09:1::2/64 dev r0 nodad
ip -n wwdR addr add 10.9.2.1/24 dev r1
ip -n wwdR addr add fd09:2::1/64 dev r1 nodad
ip -n wwdB addr add 10.9.2.2/24 dev b0
ip -n wwdB addr add fd09:2::2/64 dev b0 nodad
for pair in wwdA:a0 wwdR:r0 wwdR:r1 wwdB:b0; do
  ns=${pair%%:*} dev=${pair#*:}
  ip -n "$ns" link set "$dev" up
  # Real-network segment sizes and correct checksums in the capture (no TSO/GSO, no csum offload).
  ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off >/dev/null 2>&1 || true
done
ip -n wwdA route add default via 10.9.1.2
ip -n wwdA -6 route add default via fd09:1::2
ip -n wwdB route add default via 10.9.2.1
ip -n wwdB -6 route add default via fd09:2::1
ip netns exec wwdR sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Neighbours resolved up front so the captures hold only the traffic each case is about.
ip -n wwdA neigh replace 10.9.1.2 lladdr 02:00:0a:09:01:02 dev a0
ip -n wwdA neigh replace fd09:1::2 lladdr 02:00:0a:09:01:02 dev a0
ip -n wwdR neigh replace 10.9.1.1 lladdr 02:00:0a:09:01:01 dev r0
ip -n wwdR neigh replace fd09:1::1 lladdr 02:00:0a:09:01:01 dev r0
ip -n wwdR neigh replace 10.9.2.2 lladdr 02:00:0a:09:02:02 dev r1
ip -n wwdR neigh replace fd09:2::2 lladdr 02:00:0a:09:02:02 dev r1
ip -n wwdB neigh replace 10.9.2.1 lladdr 02:00:0a:09:02:01 dev b0
ip -n wwdB neigh replace fd09:2::1 lladdr 02:00:0a:09:02:01 dev b0
sleep 1

CAP_PID=
# start_cap NAME NS TCPDUMP-ARGS...: tcpdump in NS, writing OUT/NAME.pcap; returns once it listens.
start_cap() {
  local name=$1 ns=$2
  shift 2
  ip netns exec "$ns" timeout 20 tcpdump -U --immediate-mode -w "$OUT/$name.pcap" "$@" \
    2>"$OUT/$name.err" &
  CAP_PID=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$OUT/$name.err" && return 0
    sleep 0.05
  done
  echo "tcpdump for $name did not start" >&2
  cat "$OUT/$name.err" >&2
  return 1
}
# end_cap: give the last packets time to arrive, then stop tcpdump (it may have exited on -c).
end_cap() {
  sleep 0.5
  kill -INT "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
}

# ── loopback (namespace wwdA's own lo: no other traffic) ──
start_cap lo-tcp4 wwdA -i lo tcp port 8080
ip netns exec wwdA $CRAFT tcp-server 127.0.0.1 8080 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 6
wait $!
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8081 1 2>/dev/null || true # RST from a closed port
end_cap

start_cap lo-tcp6 wwdA -i lo tcp port 8080
ip netns exec wwdA $CRAFT tcp-server ::1 8080 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client ::1 8080 6
wait $!
end_cap

start_cap lo-udp wwdA -i lo udp or icmp or icmp6
ip netns exec wwdA $CRAFT udp 127.0.0.1 9 12      # closed port: ICMP 3/3 quoting the datagram
ip netns exec wwdA $CRAFT udp ::1 9 12            # closed port: ICMPv6 1/4
end_cap

# Snaplen cuts: 60 bytes ends inside the TCP options, 40 inside the fixed TCP header.
start_cap lo-snap60 wwdA -i lo -s 60 tcp port 8080
ip netns exec wwdA $CRAFT tcp-server 127.0.0.1 8080 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 100
wait $!
end_cap
start_cap lo-snap40 wwdA -i lo -s 40 tcp port 8080
ip netns exec wwdA $CRAFT tcp-server 127.0.0.1 8080 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 1
wait $!
end_cap

# TCP Fast Open (RFC 7413): the first connection asks for a cookie, the second sends data in the SYN.
ip netns exec wwdA sysctl -qw net.ipv4.tcp_fastopen=3
start_cap lo-tfo wwdA -i lo tcp port 8080
ip netns exec wwdA $CRAFT tcp-server 127.0.0.1 8080 tfo 2 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 5 tfo
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 5 tfo
wait $!
end_cap

# Multipath TCP (RFC 8684): MP_CAPABLE is TCP option kind 30.
start_cap lo-mptcp wwdA -i lo -c 3 tcp port 8080
ip netns exec wwdA $CRAFT tcp-server 127.0.0.1 8080 mptcp &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 127.0.0.1 8080 5 mptcp
wait $!
end_cap

# ── Linux cooked captures ──
start_cap any-sll2 wwdA -i any -c 2 udp or icmp
ip netns exec wwdA $CRAFT udp 10.9.1.2 9 8
end_cap
start_cap any-sll wwdA -i any -y LINUX_SLL -c 2 udp or icmp
ip netns exec wwdA $CRAFT udp 10.9.1.2 9 8
end_cap

# ── IP through the router: fragments, ICMP errors, SACK (snaplen 128 keeps the hexdumps short) ──
start_cap frag wwdA -i a0 -s 128 udp or icmp or icmp6 or ip6[6] == 44
ip netns exec wwdA $CRAFT udp 10.9.1.2 9 3000        # 3 IPv4 fragments (MTU 1500)
ip netns exec wwdA $CRAFT udp fd09:1::2 9 3000       # 3 IPv6 fragments (fragment header 44)
end_cap

start_cap icmp-errors wwdA -i a0 -s 128 udp or icmp or icmp6
ip netns exec wwdA $CRAFT udp 10.9.2.2 9 1400 df     # R: ICMP 3/4 frag needed, next-hop MTU 1280
ip netns exec wwdA $CRAFT udp fd09:2::2 9 1400 df    # R: ICMPv6 2 packet too big, MTU 1280
ip netns exec wwdA $CRAFT udp 10.9.2.2 9 8 ttl=1     # R: ICMP 11/0 time exceeded
ip netns exec wwdA $CRAFT udp fd09:2::2 9 8 ttl=1    # R: ICMPv6 3/0 time exceeded
ip netns exec wwdA $CRAFT icmp-echo 10.9.2.2         # B: echo request and reply
ip netns exec wwdA $CRAFT tcp-syn-ttl1 10.9.2.2 8080 # R: ICMP 11/0 quoting a TCP SYN
ip netns exec wwdA $CRAFT tcp-syn-ttl1 fd09:2::2 8080 # R: ICMPv6 3/0 quoting a TCP SYN
end_cap

# One lost segment (R drops the 4th data segment of the flow once) makes B send SACK blocks.
ip netns exec wwdR iptables -A FORWARD -p tcp --dport 8080 -m length --length 1000: \
  -m statistic --mode nth --every 100000 --packet 3 -j DROP
start_cap sack wwdA -i a0 -s 128 tcp port 8080
ip netns exec wwdB $CRAFT tcp-server 10.9.2.2 8080 &
sleep 0.3
ip netns exec wwdA $CRAFT tcp-client 10.9.2.2 8080 30000
wait $!
end_cap
ip netns exec wwdR iptables -F FORWARD

# ── link layers built by hand (no 802.1Q module here) ──
start_cap vlan wwdR -i r0 -c 3 ether src 02:00:0a:09:01:01
ip netns exec wwdA $CRAFT vlan
ip netns exec wwdA $CRAFT llc
end_cap

# A real 802.3/LLC frame from the kernel: the STP BPDU a bridge sends every hello time (2 s).
ip link add s0 netns wwdS type veth peer s1 netns wwdS
ip -n wwdS link add br0 type bridge stp_state 1
ip -n wwdS link set s0 master br0
for dev in s0 s1 br0; do ip -n wwdS link set "$dev" up; done
start_cap stp wwdS -i s1 -c 1 stp
wait "$CAP_PID" || true

# ── tunnels ──
ip -n wwdA link add vx0 type vxlan id 42 dstport 4789 remote 10.9.1.2 local 10.9.1.1 dev a0
ip -n wwdR link add vx0 type vxlan id 42 dstport 4789 remote 10.9.1.1 local 10.9.1.2 dev r0
ip -n wwdA addr add 192.168.42.1/24 dev vx0
ip -n wwdR addr add 192.168.42.2/24 dev vx0
ip -n wwdA link set vx0 up
ip -n wwdR link set vx0 up
sleep 0.5
start_cap vxlan wwdA -i a0 -c 8 udp port 4789
ip netns exec wwdA $CRAFT udp 192.168.42.2 9 8       # inner ARP, ARP reply, UDP, ICMP 3/3
end_cap

start_cap gre wwdR -i r0 ip proto 47 or ip6 proto 47
ip netns exec wwdA $CRAFT gre
end_cap
start_cap ipip wwdR -i r0 ip proto 4 or ip proto 41 or ip6 proto 41 or ip6 proto 4
ip netns exec wwdA $CRAFT ipip
ip netns exec wwdA $CRAFT nested
end_cap
start_cap ext6 wwdR -i r0 ip6 and not icmp6
ip netns exec wwdA $CRAFT ext6
end_cap

# ── LINKTYPE_RAW from a tun device ──
ip netns exec wwdA $CRAFT tun 1.5 &
sleep 0.7
start_cap tun wwdA -i tun0 -c 3
wait $! || true
end_cap

rm -f "$OUT"/*.err
ls -l "$OUT"
