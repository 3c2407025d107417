#!/usr/bin/env python3
"""Writes packets.ts from the captures record-packets.sh made: each chosen frame as a hexdump, with
tcpdump's own description of it above (gopacket-style test data).

Usage: hexdump-packets.py CAPTURE_DIR > packets.ts
"""
import re
import struct
import subprocess
import sys

# (constant name, capture, 1-based frame or a text tcpdump prints for the frame, what it is)
CHOSEN = [
    ("LO_TCP4_SYN", "lo-tcp4", 1, "SYN with MSS, SACK-permitted, timestamps and window scale"),
    ("LO_TCP4_SYN_ACK", "lo-tcp4", 2, "SYN/ACK"),
    ("LO_TCP4_DATA", "lo-tcp4", 4, "PSH/ACK with 6 bytes of data"),
    ("LO_TCP6_SYN", "lo-tcp6", 1, "IPv6 SYN on ::1"),
    ("LO_UDP4", "lo-udp", 1, "UDP datagram of 12 bytes to a closed port"),
    ("LO_ICMP4_PORT_UNREACHABLE", "lo-udp", 2, "ICMP 3/3 quoting that datagram"),
    ("LO_UDP6", "lo-udp", 3, "UDP over IPv6 to a closed port"),
    ("LO_ICMP6_PORT_UNREACHABLE", "lo-udp", 4, "ICMPv6 1/4 quoting it"),
    ("SNAP60_SYN", "lo-snap60", 1, "SYN cut by snaplen 60 inside the TCP options"),
    ("SNAP60_DATA", "lo-snap60", 4, "data segment cut by snaplen 60 inside the TCP options"),
    ("SNAP40_SYN", "lo-snap40", 1, "SYN cut by snaplen 40 inside the fixed TCP header"),
    ("TFO_SYN_ACK_COOKIE", "lo-tfo", 2, "SYN/ACK carrying a TCP Fast Open cookie (option 34)"),
    ("TFO_SYN_DATA", "lo-tfo", 9, "SYN with the cookie and 5 bytes of data"),
    ("MPTCP_SYN", "lo-mptcp", 1, "SYN with MP_CAPABLE (option 30)"),
    ("SLL2_UDP", "any-sll2", 1, "UDP datagram captured with -i any (LINUX_SLL2)"),
    ("SLL_ICMP", "any-sll", 2, "ICMP port unreachable captured with -i any -y LINUX_SLL"),
    ("FRAG4_FIRST", "frag", 1, "first IPv4 fragment of a 3000-byte UDP datagram (snaplen 128)"),
    ("FRAG4_LAST", "frag", 3, "last IPv4 fragment, offset 2960"),
    ("FRAG6_FIRST", "frag", 5, "first IPv6 fragment (fragment header) of a 3000-byte UDP datagram"),
    ("FRAG6_LAST", "frag", 7, "last IPv6 fragment, offset 2896"),
    ("ICMP4_FRAG_NEEDED", "icmp-errors", 2, "router's ICMP 3/4 with next-hop MTU 1280"),
    ("ICMP6_PACKET_TOO_BIG", "icmp-errors", 4, "router's ICMPv6 packet too big, MTU 1280"),
    ("ICMP4_TIME_EXCEEDED", "icmp-errors", 6, "router's ICMP 11/0 for a TTL-1 datagram"),
    ("ICMP6_TIME_EXCEEDED", "icmp-errors", 8, "router's ICMPv6 3/0 for a hop-limit-1 datagram"),
    ("ICMP4_ECHO_REQUEST", "icmp-errors", 9, "ICMP echo request"),
    ("ICMP4_TIME_EXCEEDED_TCP", "icmp-errors", 11, "router's ICMP 11/0 quoting a TCP SYN sent with TTL 1"),
    ("ICMP6_TIME_EXCEEDED_TCP", "icmp-errors", 12, "router's ICMPv6 3/0 quoting a TCP SYN sent with hop limit 1"),
    ("SACK_ACK", "sack", 12, "duplicate ACK with one SACK block after a dropped segment"),
    ("VLAN_8021Q", "vlan", 1, "802.1Q tag VLAN 10 priority 3"),
    ("VLAN_QINQ", "vlan", 2, "802.1ad tag VLAN 20 over 802.1Q tag VLAN 10"),
    ("LLC_SNAP_IPV4", "vlan", 3, "802.3 frame with LLC/SNAP around IPv4"),
    ("STP_BPDU", "stp", 1, "802.3 frame with LLC (DSAP 0x42): a bridge's STP BPDU"),
    ("VXLAN_ARP", "vxlan", "Request who-has", "VXLAN VNI 42 around an ARP request"),
    ("VXLAN_UDP", "vxlan", "UDP, length 8", "VXLAN VNI 42 around an IPv4 UDP datagram"),
    ("VXLAN_MLD_HBH", "vxlan", "HBH (rtalert", "VXLAN around an MLDv2 report with a hop-by-hop header"),
    ("GRE_KEY_SEQ_IPV4", "gre", 1, "GRE with key 42 and sequence 1 around IPv4"),
    ("GRE_CSUM_IPV6", "gre", 2, "GRE with checksum around IPv6"),
    ("GRE_ETHERNET", "gre", 3, "GRE 0x6558 (transparent Ethernet bridging) with key 7"),
    ("GRE_ERSPAN", "gre", 4, "GRE 0x88BE (ERSPAN type II) with sequence 5"),
    ("GRE_OVER_IPV6", "gre", 5, "GRE over IPv6 around IPv4"),
    ("IPIP", "ipip", 1, "IPv4 in IPv4 (protocol 4)"),
    ("SIT", "ipip", 2, "IPv6 in IPv4 (protocol 41)"),
    ("IP6IP6", "ipip", 3, "IPv6 in IPv6 (next header 41)"),
    ("IP4IN6", "ipip", 4, "IPv4 in IPv6 (next header 4)"),
    ("IPIP_VXLAN", "ipip", 5, "IPIP around UDP/4789 VXLAN VNI 99 around Ethernet/IPv4/UDP"),
    ("IPV6_HBH_DSTOPT", "ext6", 1, "IPv6 UDP with hop-by-hop and destination options headers"),
    ("IPV6_AH", "ext6", 2, "IPv6 AH (payload length 4) around UDP"),
    ("IPV6_ESP", "ext6", 3, "IPv6 ESP"),
    ("RAW_IPV4", "tun", 1, "LINKTYPE_RAW from a tun device: IPv4 UDP"),
    ("RAW_IPV6", "tun", 3, "LINKTYPE_RAW from a tun device: IPv6 UDP"),
]


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link_type = struct.unpack(order + "I", data[20:24])[0] & 0xFFFF
    offset, packets = 24, []
    while offset + 16 <= len(data):
        _s, _u, incl, orig = struct.unpack(order + "IIII", data[offset:offset + 16])
        packets.append((data[offset + 16:offset + 16 + incl], orig))
        offset += 16 + incl
    return link_type, packets


TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d\.\d+ ")


def tcpdump_lines(path):
    out = subprocess.run(["tcpdump", "-nn", "-v", "-e", "-r", path], capture_output=True, text=True).stdout
    packets = []
    for line in out.splitlines():
        if TIMESTAMP.match(line):
            packets.append([line.split(" ", 1)[1]])
        elif packets:
            packets[-1].append(line.strip())
    return packets


def main():
    directory = sys.argv[1]
    print("// Generated by src/decode/testing/hexdump-packets.py from the captures that")
    print("// src/decode/testing/record-packets.sh records on this machine (namespaces wwdA/wwdR/wwdB/wwdS,")
    print("// addresses in that script). Each comment is `tcpdump -nn -v -e` on the frame. Do not edit by hand.")
    print('import { type RecordedPacket, recorded } from "./recorded-packet.ts";')
    for name, capture, frame, what in CHOSEN:
        path = f"{directory}/{capture}.pcap"
        link_type, packets = read_pcap(path)
        texts = tcpdump_lines(path)
        if isinstance(frame, str):
            frame = next(i + 1 for i, t in enumerate(texts) if frame in " ".join(t))
        data, orig = packets[frame - 1]
        text = texts[frame - 1]
        print()
        print("/**")
        print(f" * {what}. {capture}.pcap frame {frame}, {len(data)} of {orig} bytes captured:")
        for line in text:
            print(f" *   {line}")
        print(" */")
        print(f"export const {name}: RecordedPacket = recorded({link_type}, {orig}, `")
        for i in range(0, len(data), 16):
            chunk = data[i:i + 16].hex()
            print("  " + " ".join(chunk[j:j + 4] for j in range(0, len(chunk), 4)))
        print("`);")


main()
