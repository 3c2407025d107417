/**
 * The kernel counters `wirewhy host --watch` reports when they rise: what each means, which layer
 * it charges (seen from a server, the usual place to run `host`), and the least time one event
 * costs a request. Grouped counters count the same event twice (ListenDrops includes every
 * ListenOverflows), so a group's count is its largest delta, not the sum. Meanings follow the
 * kernel sources (net/ipv4/tcp_input.c, tcp_ipv4.c, tcp_timer.c, udp.c) and RFC 4022/4113 MIBs.
 */
import type { Layer, Severity } from "../model/finding.ts";

export interface CounterEntry {
  kind: string;
  layer: Layer;
  severity: Severity;
  counters: readonly string[];
  title: string;
  meaning: string;
  advice: string;
  /** The least time one event costs a request, ms (0 when it varies too much to say). */
  costPerEventMs: number;
}

/** Initial RTO: a dropped SYN is retried after 1 s (RFC 6298 §2.1, TCP_TIMEOUT_INIT). */
const SYN_RETRY_MS = 1000;
/** Linux's minimum RTO (TCP_RTO_MIN, include/net/tcp.h). */
const RTO_MIN_MS = 200;

export const COUNTER_CATALOGUE: readonly CounterEntry[] = [
  {
    kind: "accept-queue-overflow",
    layer: "server-os",
    severity: "error",
    counters: ["TcpExt.ListenOverflows", "TcpExt.ListenDrops"],
    title: "Listen queue overflows: connections dropped because an accept queue was full",
    meaning:
      "A handshake completed (or a SYN arrived) while the listener's accept queue already held more than its backlog: the kernel dropped it (tcp_conn_request / tcp_v4_syn_recv_sock). Clients see their SYN or handshake retried after 1 s or more. The application is not calling accept() fast enough, or the backlog is too small.",
    advice:
      "Make the server accept faster (more workers, no blocking in the accept loop) and raise the backlog: listen(fd, N) and net.core.somaxconn.",
    costPerEventMs: SYN_RETRY_MS,
  },
  {
    kind: "syn-queue-overflow",
    layer: "server-os",
    severity: "warning",
    counters: ["TcpExt.TCPReqQFullDrop", "TcpExt.TCPReqQFullDoCookies", "TcpExt.SyncookiesSent"],
    title: "SYN queue full: half-open connections dropped or answered with SYN cookies",
    meaning:
      "The queue of half-open connections (SYN received, handshake not finished) was full: SYNs were dropped or answered with SYN cookies (which lose TCP options such as window scaling). A SYN flood, or a burst larger than net.ipv4.tcp_max_syn_backlog.",
    advice: "Raise net.ipv4.tcp_max_syn_backlog and the listen backlog; check for a SYN flood.",
    costPerEventMs: 0,
  },
  {
    kind: "abort-on-data",
    layer: "server-app",
    severity: "warning",
    counters: ["TcpExt.TCPAbortOnData"],
    title: "Connections reset because they were closed with unread data",
    meaning:
      "An application closed a socket that still had received data it never read, or data arrived after it closed: the kernel sent a RST instead of a FIN (RFC 2525 §2.17). The peer sees ECONNRESET and may lose the end of the response.",
    advice:
      "Read requests fully before closing; close only after the response is sent (shutdown(SHUT_WR) then drain).",
    costPerEventMs: 0,
  },
  {
    kind: "abort-on-close",
    layer: "server-app",
    severity: "warning",
    counters: ["TcpExt.TCPAbortOnClose"],
    title: "Connections reset at close by the application",
    meaning:
      "An application closed a socket in a state that forced a reset (unread data at close, or SO_LINGER with timeout 0).",
    advice: "Drain the socket before close; avoid SO_LINGER 0 unless an abort is wanted.",
    costPerEventMs: 0,
  },
  {
    kind: "abort-on-timeout",
    layer: "network",
    severity: "error",
    counters: ["TcpExt.TCPAbortOnTimeout"],
    title: "Connections given up after too many retransmission timeouts",
    meaning:
      "The kernel retransmitted until tcp_retries2 (or tcp_syn_retries) was exhausted and aborted the connection: the peer became unreachable.",
    advice:
      "Look for a dead peer or a path that black-holes packets (firewall state loss, MTU black hole).",
    costPerEventMs: 0,
  },
  {
    kind: "retransmission-timeouts",
    layer: "network",
    severity: "warning",
    counters: ["TcpExt.TCPTimeouts"],
    title: "Retransmission timeouts fired",
    meaning:
      "The retransmission timer expired (no ACK within the RTO): a lost segment that fast retransmit could not repair. Each costs at least the minimum RTO, 200 ms on Linux.",
    advice: "Find the loss on the path (interface errors, drops at a congested link or a policer).",
    costPerEventMs: RTO_MIN_MS,
  },
  {
    kind: "syn-retransmits",
    layer: "network",
    severity: "warning",
    counters: ["TcpExt.TCPSynRetrans"],
    title: "SYNs retransmitted by this host's outgoing connections",
    meaning:
      "A connect() from this host got no SYN/ACK in time and resent its SYN (1 s, then more): loss, a firewall dropping, or a server whose accept queue is full.",
    advice: "Check the servers this host connects to (their ListenOverflows) and the path to them.",
    costPerEventMs: SYN_RETRY_MS,
  },
  {
    kind: "retransmitted-segments",
    layer: "network",
    severity: "info",
    counters: ["Tcp.RetransSegs"],
    title: "TCP segments retransmitted",
    meaning:
      "Segments sent again (fast retransmit, RTO, tail loss probe): loss or reordering on the paths this host uses. Compare with Tcp.OutSegs for a rate.",
    advice: "A rate above ~1 % of OutSegs deserves a look at the path.",
    costPerEventMs: 0,
  },
  {
    kind: "tail-loss-probes",
    layer: "network",
    severity: "info",
    counters: ["TcpExt.TCPLossProbes"],
    title: "Tail loss probes sent",
    meaning:
      "The last segments of a burst went unacknowledged for ~2 RTT, so the kernel probed (RFC 8985 TLP) instead of waiting for an RTO: a sign of loss at the end of responses.",
    advice: "Usually benign at low rates; at high rates look for tail drops on the path.",
    costPerEventMs: 0,
  },
  {
    kind: "socket-backlog-drop",
    layer: "server-os",
    severity: "warning",
    counters: ["TcpExt.TCPBacklogDrop"],
    title: "Segments dropped: socket backlog full while the application held the socket",
    meaning:
      "Packets arrived while the socket was owned by a process and its backlog (sk_rcvbuf + sk_sndbuf) was full: the kernel dropped them; the sender retransmits.",
    advice:
      "Raise the socket buffers (net.ipv4.tcp_rmem) and make the reader spend less time holding the socket.",
    costPerEventMs: 0,
  },
  {
    kind: "receive-queue-drop",
    layer: "server-os",
    severity: "warning",
    counters: ["TcpExt.TCPRcvQDrop"],
    title: "Segments dropped: receive queue over its memory limit",
    meaning:
      "A segment could not be queued because the socket's receive memory was exhausted (tcp_try_rmem_schedule failed): the application reads too slowly for its buffer.",
    advice: "Read faster or raise net.ipv4.tcp_rmem / SO_RCVBUF.",
    costPerEventMs: 0,
  },
  {
    kind: "zero-window-drop",
    layer: "server-os",
    severity: "warning",
    counters: ["TcpExt.TCPZeroWindowDrop"],
    title: "Segments dropped against a zero receive window",
    meaning:
      "Data arrived while this host advertised a zero window (its reader had stopped): the kernel dropped it.",
    advice: "Find the application that stops reading its sockets.",
    costPerEventMs: 0,
  },
  {
    kind: "zero-window-advertised",
    layer: "server-app",
    severity: "warning",
    counters: ["TcpExt.TCPToZeroWindowAdv"],
    title: "This host closed its receive window (zero window) on some connections",
    meaning:
      "A socket's receive buffer filled because the application did not read: the kernel advertised a zero window and the sender had to stop.",
    advice: "Find the slow reader (ss -tn shows a large Recv-Q on its sockets).",
    costPerEventMs: 0,
  },
  {
    kind: "udp-receive-buffer-errors",
    layer: "server-os",
    severity: "warning",
    counters: ["Udp.RcvbufErrors", "Udp6.RcvbufErrors"],
    title: "UDP datagrams dropped: socket receive buffer full",
    meaning:
      "Datagrams arrived for a socket whose receive buffer was full: the application does not read fast enough for its buffer (DNS servers, syslog, QUIC).",
    advice: "Read faster (more threads, recvmmsg) or raise SO_RCVBUF / net.core.rmem_max.",
    costPerEventMs: 0,
  },
  {
    kind: "udp-no-port",
    layer: "server-os",
    severity: "info",
    counters: ["Udp.NoPorts", "Udp6.NoPorts"],
    title: "UDP datagrams to ports with no listener",
    meaning:
      "Datagrams arrived for a port nobody listens on; the kernel answered ICMP port unreachable.",
    advice: "Check which service should be listening (ss -lun).",
    costPerEventMs: 0,
  },
  {
    kind: "tcp-memory-pressure",
    layer: "server-os",
    severity: "warning",
    counters: [
      "TcpExt.TCPMemoryPressures",
      "TcpExt.TCPAbortOnMemory",
      "TcpExt.PruneCalled",
      "TcpExt.RcvPruned",
    ],
    title: "TCP memory pressure: queues pruned or connections aborted",
    meaning:
      "TCP as a whole reached net.ipv4.tcp_mem, or a socket's receive queue had to be collapsed and pruned: packets were dropped to free memory.",
    advice: "Raise net.ipv4.tcp_mem, look for sockets with large unread queues.",
    costPerEventMs: 0,
  },
  {
    kind: "checksum-errors",
    layer: "network",
    severity: "warning",
    counters: ["Tcp.InCsumErrors", "Udp.InCsumErrors", "Udp6.InCsumErrors"],
    title: "Packets with bad checksums received",
    meaning:
      "Packets arrived corrupted (bad NIC, cable, or a buggy offload): they were dropped and must be resent.",
    advice: "Check interface error counters (ip -s link), cables and NIC offloads.",
    costPerEventMs: 0,
  },
];
