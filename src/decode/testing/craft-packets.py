#!/usr/bin/env python3
"""Sends the hand-built packets that record-packets.sh captures for the decoder tests.

The kernels here have no 802.1Q, GRE, IPIP, sit, ip6tnl or IPsec modules, so those encapsulations
are built byte by byte and sent through ordinary sockets inside the test namespaces: AF_PACKET for
whole Ethernet frames (VLAN tags, LLC/SNAP), raw IP sockets for GRE/IP-in-IP/AH/ESP (the kernel adds
the outer IP header), and a tun device for LINKTYPE_RAW. Everything else (TCP with its options,
fragments, ICMP errors, VXLAN) is the kernel's own traffic and is produced by record-packets.sh.

Usage: craft-packets.py CASE [ARGS...]   (run inside the namespace that should send)
"""
import fcntl
import os
import socket
import struct
import sys
import time

MAC_A = bytes.fromhex("02000a090101")  # wwA a0
MAC_R = bytes.fromhex("02000a090102")  # wwR r0
IP_A = "10.9.1.1"
IP_R = "10.9.1.2"
IP6_A = "fd09:1::1"
IP6_R = "fd09:1::2"
INNER_SRC = "192.168.77.1"
INNER_DST = "192.168.77.2"
INNER6_SRC = "fd77::1"
INNER6_DST = "fd77::2"


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src: str, dst: str, proto: int, payload: bytes, ident: int = 0x1234, ttl: int = 64) -> bytes:
    hdr = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, ttl, proto, 0,
        socket.inet_aton(src), socket.inet_aton(dst),
    )
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:] + payload


def udp4(src: str, dst: str, sport: int, dport: int, data: bytes) -> bytes:
    length = 8 + len(data)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(pseudo + hdr + data) or 0xFFFF
    return ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, length, csum) + data)


def udp6_payload(src: str, dst: str, sport: int, dport: int, data: bytes) -> bytes:
    length = 8 + len(data)
    pseudo = (
        socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
        + struct.pack("!IxxxB", length, 17)
    )
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(pseudo + hdr + data) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, csum) + data


def ipv6(src: str, dst: str, next_header: int, payload: bytes, hop_limit: int = 64) -> bytes:
    return (
        struct.pack("!IHBB", 0x60000000, len(payload), next_header, hop_limit)
        + socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + payload
    )


def udp6(src: str, dst: str, sport: int, dport: int, data: bytes) -> bytes:
    return ipv6(src, dst, 17, udp6_payload(src, dst, sport, dport, data))


def inner_udp4() -> bytes:
    return udp4(INNER_SRC, INNER_DST, 40001, 7777, b"inner-v4")


def inner_udp6() -> bytes:
    return udp6(INNER6_SRC, INNER6_DST, 40002, 7777, b"inner-v6")


def send_frame(ifname: str, frame: bytes) -> None:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    s.send(frame)
    s.close()


def send_raw(family: int, proto: int, dst: str, payload: bytes) -> None:
    s = socket.socket(family, socket.SOCK_RAW, proto)
    s.sendto(payload, (dst, 0))
    s.close()


def gre(flags_version: int, proto: int, payload: bytes, key: int = -1, seq: int = -1,
        with_checksum: bool = False) -> bytes:
    hdr = struct.pack("!HH", flags_version, proto)
    if with_checksum:
        hdr += b"\0\0\0\0"
    if key >= 0:
        hdr += struct.pack("!I", key)
    if seq >= 0:
        hdr += struct.pack("!I", seq)
    packet = hdr + payload
    if with_checksum:
        csum = checksum(packet)
        packet = packet[:4] + struct.pack("!H", csum) + packet[6:]
    return packet


def main() -> None:
    case = sys.argv[1]
    if case == "vlan":
        # One 802.1Q tag (VLAN 10, PCP 3), then QinQ: an 802.1ad service tag (VLAN 20) over an
        # 802.1Q customer tag (VLAN 10); both carry an IPv4 UDP datagram.
        ip = udp4(IP_A, IP_R, 40010, 9, b"vlan")
        send_frame("a0", MAC_R + MAC_A + struct.pack("!HH", 0x8100, (3 << 13) | 10) + b"\x08\x00" + ip)
        ip = udp4(IP_A, IP_R, 40011, 9, b"qinq")
        send_frame(
            "a0",
            MAC_R + MAC_A + struct.pack("!HHHH", 0x88A8, 20, 0x8100, 10) + b"\x08\x00" + ip,
        )
    elif case == "llc":
        # 802.3 length frame with LLC/SNAP (RFC 1042: OUI 0, EtherType) around an IPv4 datagram.
        ip = udp4(IP_A, IP_R, 40012, 9, b"snap")
        llc = b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + ip
        send_frame("a0", MAC_R + MAC_A + struct.pack("!H", len(llc)) + llc)
    elif case == "gre":
        # RFC 2890 key + sequence around IPv4; RFC 2784 checksum around IPv6; transparent Ethernet
        # bridging (0x6558, what gretap sends); ERSPAN type II (0x88BE) with its 8-byte header.
        send_raw(socket.AF_INET, 47, IP_R, gre(0x3000, 0x0800, inner_udp4(), key=42, seq=1))
        send_raw(socket.AF_INET, 47, IP_R, gre(0x8000, 0x86DD, inner_udp6(), with_checksum=True))
        eth = bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + b"\x08\x00" + inner_udp4()
        send_raw(socket.AF_INET, 47, IP_R, gre(0x2000, 0x6558, eth, key=7))
        erspan = struct.pack("!HHI", 0x1000 | 10, 0x0800 | 123, 0)
        send_raw(socket.AF_INET, 47, IP_R, gre(0x1000, 0x88BE, erspan + eth, seq=5))
        send_raw(socket.AF_INET6, 47, IP6_R, gre(0x0000, 0x0800, inner_udp4()))
    elif case == "ipip":
        send_raw(socket.AF_INET, 4, IP_R, inner_udp4())  # IPIP
        send_raw(socket.AF_INET, 41, IP_R, inner_udp6())  # sit / 6in4 (RFC 4213)
        send_raw(socket.AF_INET6, 41, IP6_R, inner_udp6())  # ip6ip6 (RFC 2473)
        send_raw(socket.AF_INET6, 4, IP6_R, inner_udp4())  # ip4in6 (RFC 2473)
    elif case == "nested":
        # IPIP around an IPv4 UDP datagram to port 4789 holding VXLAN (VNI 99) around an Ethernet
        # frame around IPv4 UDP: three encapsulations in one packet.
        vxlan = struct.pack("!II", 0x08000000, 99 << 8)
        eth = bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + b"\x08\x00" + inner_udp4()
        middle = udp4("172.16.0.1", "172.16.0.2", 40003, 4789, vxlan + eth)
        send_raw(socket.AF_INET, 4, IP_R, middle)
    elif case == "ext6":
        # Hop-by-hop and destination options via ancillary data (RFC 3542 §6), both PadN only.
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        pad = bytes([0, 0, 1, 4, 0, 0, 0, 0])
        s.sendmsg(
            [b"ext-headers"],
            [(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, pad),
             (socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, pad)],
            0,
            (IP6_R, 9),
        )
        s.close()
        # AH (RFC 4302): next header UDP, payload length 4 (= 24 bytes: 12 fixed + 12 ICV).
        ah = struct.pack("!BBHII", 17, 4, 0, 0x1000, 1) + bytes(12)
        send_raw(socket.AF_INET6, 51, IP6_R, ah + udp6_payload(IP6_A, IP6_R, 40020, 9, b"ah"))
        # ESP (RFC 4303): SPI, sequence, then opaque bytes.
        send_raw(socket.AF_INET6, 50, IP6_R, struct.pack("!II", 0x2000, 1) + bytes(24))
    elif case == "tun":
        # A tun device (IFF_TUN | IFF_NO_PI): tcpdump on it records LINKTYPE_RAW.
        fd = os.open("/dev/net/tun", os.O_RDWR)
        fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", b"tun0", 0x0001 | 0x1000))
        os.system("ip link set tun0 up && ip addr add 10.9.9.1/24 dev tun0")
        time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
        os.write(fd, udp4("10.9.9.2", "10.9.9.1", 40030, 9, b"raw-v4"))
        os.write(fd, udp6("fd09:9::2", "fd09:9::1", 40031, 9, b"raw-v6"))
        time.sleep(0.5)
        os.close(fd)
    elif case == "udp":
        # udp HOST PORT SIZE [df] [ttl=N]: one datagram through the kernel's own UDP stack.
        host, port, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        for arg in sys.argv[5:]:
            if arg == "df" and family == socket.AF_INET:
                s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO
            elif arg == "df":
                s.setsockopt(socket.IPPROTO_IPV6, 23, 2)  # IPV6_MTU_DISCOVER = IPV6_PMTUDISC_DO
            elif arg.startswith("ttl="):
                level, opt = (socket.IPPROTO_IP, socket.IP_TTL) if family == socket.AF_INET else (
                    socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS)
                s.setsockopt(level, opt, int(arg[4:]))
        s.sendto(bytes((i % 26) + 97 for i in range(size)), (host, port))
        time.sleep(0.3)
        s.close()
    elif case == "icmp-echo":
        # One ICMP echo request (RFC 792) from a raw socket; the peer kernel answers it.
        host = sys.argv[2]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 1)
        body = struct.pack("!BBHHH", 8, 0, 0, 0x77, 1) + b"echo-data"
        s.sendto(body[:2] + struct.pack("!H", checksum(body)) + body[4:], (host, 0))
        time.sleep(0.3)
        s.close()
    elif case == "tcp-syn-ttl1":
        # tcp-syn-ttl1 HOST PORT: a SYN that dies at the first router, which quotes it (with its
        # sequence number) in an ICMP time exceeded. Only the first SYN matters; the rest time out.
        host, port = sys.argv[2], int(sys.argv[3])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 1)
        s.settimeout(0.5)
        try:
            s.connect((host, port))
        except OSError:
            pass
        s.close()
    elif case == "tcp-server":
        # tcp-server HOST PORT [tfo|mptcp]: accept one connection, read to EOF, send a reply.
        host, port = sys.argv[2], int(sys.argv[3])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        mode = sys.argv[4] if len(sys.argv) > 4 else ""
        s = socket.socket(family, socket.SOCK_STREAM, 262 if mode == "mptcp" else 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if mode == "tfo":
            s.setsockopt(socket.IPPROTO_TCP, 23, 5)  # TCP_FASTOPEN queue length
        s.bind((host, port))
        s.listen(5)
        s.settimeout(10)
        for _ in range(int(sys.argv[5]) if len(sys.argv) > 5 else 1):
            c, _addr = s.accept()
            c.settimeout(10)
            while c.recv(65536):
                pass
            c.sendall(b"bye\n")
            c.close()
        s.close()
    elif case == "tcp-client":
        # tcp-client HOST PORT BYTES [tfo|mptcp]: connect, send BYTES, half-close, read the reply.
        host, port, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        mode = sys.argv[5] if len(sys.argv) > 5 else ""
        s = socket.socket(family, socket.SOCK_STREAM, 262 if mode == "mptcp" else 0)
        data = bytes((i % 26) + 65 for i in range(size))
        if mode == "tfo":
            s.sendto(data, socket.MSG_FASTOPEN, (host, port))  # blocking: a timeout would EINPROGRESS
        else:
            s.settimeout(10)
            s.connect((host, port))
            s.sendall(data)
        s.settimeout(10)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        s.close()
    else:
        raise SystemExit(f"unknown case {case}")


main()
