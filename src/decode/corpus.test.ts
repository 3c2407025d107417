/**
 * The decoders on every capture of the shared corpus (read in place, never copied): nothing
 * throws and every offset stays inside its packet; named files check the layer they are known
 * for; and for a set of files every packet's ports, sequence numbers, window, options and lengths
 * are compared with what tshark decodes from the same file at test time.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it, type TestContext } from "node:test";
import { readCapture } from "../capture/index.ts";
import { CaptureError } from "../capture/types.ts";
import { corpusPath, readReference, requireCommand, requireCorpus } from "../testing/corpus.ts";
import { createPacketView, decodePacket, formatIp } from "./index.ts";
import { viewViolations } from "./testing/view-invariants.ts";
import type { PacketView } from "./types.ts";

/** One decoded packet, copied out of the reused view: what the per-file checks look at. */
interface Decoded {
  frame: number;
  capturedBytes: number;
  link: string;
  vlans: number[];
  tunnels: string[];
  ipVersion: number;
  src: string;
  dst: string;
  ipProtocol: number;
  transport: string;
  srcPort: number;
  dstPort: number;
  tcpSeq: number;
  tcpAck: number;
  tcpFlags: number;
  tcpWindow: number;
  tcpMss: number;
  tcpWindowScale: number;
  tcpTsVal: number;
  tcpHasTimestamps: boolean;
  tcpOptionsMalformed: boolean;
  udpLenBytes: number;
  icmpType: number;
  payloadLenBytes: number;
  payloadCapturedBytes: number;
  truncated: boolean;
  pppProtocol: number;
  sllInterfaceIndex: number;
  stop: string | undefined;
}

function copyOut(frame: number, v: PacketView): Decoded {
  return {
    frame,
    capturedBytes: v.bytes.length,
    link: v.link,
    vlans: v.vlanIds.slice(0, v.vlanCount),
    tunnels: v.tunnels.slice(0, v.tunnelCount),
    ipVersion: v.ipVersion,
    src: formatIp(v.bytes, v.ipSrcOffset, v.ipVersion),
    dst: formatIp(v.bytes, v.ipDstOffset, v.ipVersion),
    ipProtocol: v.ipProtocol,
    transport: v.transport,
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    tcpSeq: v.tcpSeq,
    tcpAck: v.tcpAck,
    tcpFlags: v.tcpFlags,
    tcpWindow: v.tcpWindow,
    tcpMss: v.tcpMss,
    tcpWindowScale: v.tcpWindowScale,
    tcpTsVal: v.tcpTsVal,
    tcpHasTimestamps: v.tcpHasTimestamps,
    tcpOptionsMalformed: v.tcpOptionsMalformed,
    udpLenBytes: v.udpLenBytes,
    icmpType: v.icmpType,
    payloadLenBytes: v.payloadLenBytes,
    payloadCapturedBytes: v.payloadCapturedBytes,
    truncated: v.truncated,
    pppProtocol: v.pppProtocol,
    sllInterfaceIndex: v.sllInterfaceIndex,
    stop: v.stop && `${v.stop.layer} ${v.stop.reason}: ${v.stop.detail}`,
  };
}

async function decodeFile(file: string): Promise<Decoded[]> {
  const view = createPacketView();
  const out: Decoded[] = [];
  await readCapture(corpusPath(file), (record) => {
    decodePacket(record.linkType, record.dataView, record.originalLenBytes, view);
    out.push(copyOut(record.frame, view));
  });
  return out;
}

describe("decoding the shared corpus", () => {
  it("every packet of every file: no throw, every offset inside its packet", async (t: TestContext) => {
    if (!requireCorpus(t)) return;
    const view = createPacketView();
    let files = 0;
    let packets = 0;
    for (const row of readReference()) {
      let decoded = 0;
      try {
        const meta = await readCapture(corpusPath(row.file), (record) => {
          decodePacket(record.linkType, record.dataView, record.originalLenBytes, view);
          const problems = viewViolations(view);
          if (problems.length > 0) {
            assert.fail(`${row.file} frame ${record.frame}: ${problems.join("; ")}`);
          }
          decoded++;
        });
        assert.equal(decoded, meta.packets, row.file);
      } catch (error) {
        // A file the reader cannot open at all is the capture stage's case, not ours.
        if (!(error instanceof CaptureError)) throw error;
      }
      files++;
      packets += decoded;
    }
    assert.ok(files >= 70, `only ${files} corpus files`);
    assert.ok(packets >= 7500, `only ${packets} packets decoded`);
  });

  it("http-qinq-0.pcap: two 802.1Q tags, both VLAN 0, on every frame", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("http-qinq-0.pcap");
    assert.equal(packets.length, 14);
    for (const p of packets) {
      assert.deepEqual(p.vlans, [0, 0], `frame ${p.frame}`);
      assert.equal(p.transport, "tcp");
    }
  });

  it("sv-decode-sll2-01-input.pcap: Linux cooked v2 on interface 2, five TCP segments", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("sv-decode-sll2-01-input.pcap");
    assert.equal(packets.length, 5);
    for (const p of packets) {
      assert.equal(p.link, "sll2");
      assert.equal(p.sllInterfaceIndex, 2);
      assert.equal(p.transport, "tcp");
    }
    assert.equal(packets[0].dstPort, 80);
  });

  it("test_loopback.pcap: BSD loopback, IPv6 TCP on ::1", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("test_loopback.pcap");
    assert.equal(packets.length, 24);
    for (const p of packets) {
      assert.equal(p.link, "null");
      assert.equal(p.ipVersion, 6);
      assert.equal(p.src, "::1");
      assert.equal(p.transport, "tcp");
      assert.equal(p.stop, undefined);
    }
  });

  it("sv-http-ipv6-input.pcap: IPv6 TCP to port 8000, the handshake's options read", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("sv-http-ipv6-input.pcap");
    assert.equal(packets.length, 14);
    assert.ok(packets.every((p) => p.ipVersion === 6 && p.transport === "tcp"));
    const syn = packets[0];
    assert.equal(syn.dstPort, 8000);
    assert.equal(syn.tcpFlags, 0x002);
    assert.ok(syn.tcpMss > 0);
    assert.ok(syn.tcpWindowScale >= 0);
  });

  it("truncated-header.pcap: snaplen 68 cuts every frame; one SYN's options are cut and bad", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("truncated-header.pcap");
    assert.equal(packets.length, 24);
    assert.ok(packets.every((p) => p.truncated && p.transport === "tcp"));
    const stopped = packets.filter((p) => p.stop !== undefined);
    assert.deepEqual(
      stopped.map((p) => [p.frame, p.stop]),
      [[1, "tcp truncated: TCP options"]],
    );
    // Frame 1's timestamps option says length 8 (it must be 10): malformed, MSS before it kept.
    assert.equal(packets[0].tcpOptionsMalformed, true);
    assert.equal(packets[0].tcpMss, 1460);
    // The IP length, not the 68 captured bytes, gives the payload length.
    assert.ok(packets.some((p) => p.payloadLenBytes > p.payloadCapturedBytes));
  });

  it("cut-midpacket.pcap: the 13 whole packets before the cut decode completely", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("cut-midpacket.pcap");
    assert.equal(packets.length, 13);
    assert.ok(packets.every((p) => p.stop === undefined && p.transport === "tcp" && !p.truncated));
  });

  it("heapoverflow-tcp_print.pcap: a 60-byte TCP header in a 64-byte capture", async (t) => {
    if (!requireCorpus(t)) return;
    const [p] = await decodeFile("heapoverflow-tcp_print.pcap");
    assert.equal(p.truncated, true);
    assert.equal(p.transport, "tcp");
    assert.equal(p.stop, "tcp truncated: TCP options");
    // IPv4 total length 12336 (0x3030): the payload it claims, none of it captured.
    assert.equal(p.payloadLenBytes, 12336 - 20 - 60);
    assert.equal(p.payloadCapturedBytes, 0);
  });

  it("tcp_header_heapoverflow.pcap: the TCP header itself is cut (12 of 20 bytes)", async (t) => {
    if (!requireCorpus(t)) return;
    const [p] = await decodeFile("tcp_header_heapoverflow.pcap");
    assert.equal(p.transport, "none");
    assert.equal(p.ipProtocol, 6);
    assert.equal(p.stop, "tcp truncated: TCP header");
  });

  it("fuzz.pcap: a TCP data offset of 0 is malformed", async (t) => {
    if (!requireCorpus(t)) return;
    const [p] = await decodeFile("fuzz.pcap");
    assert.equal(p.stop, "tcp malformed: data offset below 5");
  });

  it("pptp.pcap: PPP LCP inside enhanced GRE (version 1), and padded 60-byte frames", async (t) => {
    if (!requireCorpus(t)) return;
    const packets = await decodeFile("pptp.pcap");
    assert.equal(packets.length, 23);
    const gre = packets.filter((p) => p.tunnels.length > 0);
    assert.deepEqual(
      gre.map((p) => [p.frame, p.tunnels, p.pppProtocol, p.ipVersion]),
      [[16, ["gre"], 0xc021, 0]],
    );
    // Frame 4 is a bare ACK padded to Ethernet's 60-byte minimum: no payload.
    assert.equal(packets[3].capturedBytes, 60);
    assert.equal(packets[3].payloadLenBytes, 0);
    assert.equal(packets.filter((p) => p.transport === "tcp").length, 22);
  });
});

/** Fields tshark prints per frame, in the order the comparison reads them. */
const TSHARK_FIELDS = [
  "frame.number",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.seq_raw",
  "tcp.ack_raw",
  "tcp.window_size_value",
  "tcp.len",
  "tcp.options.mss_val",
  "tcp.options.wscale.shift",
  "tcp.options.timestamp.tsval",
  "udp.srcport",
  "udp.dstport",
  "udp.length",
  "icmp.type",
  "icmpv6.type",
  "vlan.id",
] as const;

/** Files compared frame by frame with tshark: every link type and both IP versions. */
const COMPARED_FILES = [
  "http_espn.pcapng",
  "wikipedia.pcap",
  "206_example_b.pcap",
  "syn_retransmit_with_ts.pcap",
  "http_ip4and6.pcapng",
  "http-qinq-0.pcap",
  "sv-decode-sll2-01-input.pcap",
  "sv-output-multi-eve-input.pcap",
  "test_loopback.pcap",
  "sv-http-ipv6-input.pcap",
  "sv-tcp-fastopen-10-input.pcap",
  "truncated-header.pcap",
  "pptp.pcap",
];

function tsharkRows(file: string): Map<number, string[]> {
  const args = ["-r", corpusPath(file), "-T", "fields", "-E", "occurrence=f"];
  for (const field of TSHARK_FIELDS) args.push("-e", field);
  const out = execFileSync("tshark", args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 256 << 20,
  });
  const rows = new Map<number, string[]>();
  for (const line of out.split("\n")) {
    if (line.length === 0) continue;
    const cells = line.split("\t");
    rows.set(Number(cells[0]), cells);
  }
  return rows;
}

/** tshark's number for a field, or -1 when it printed none. */
function num(cells: string[], field: (typeof TSHARK_FIELDS)[number]): number {
  const text = cells[TSHARK_FIELDS.indexOf(field)] ?? "";
  return text === "" ? -1 : Number(text);
}

describe("decoding compared with tshark", () => {
  for (const file of COMPARED_FILES) {
    it(`${file}: per-frame TCP/UDP/ICMP fields match tshark's`, async (t) => {
      if (!requireCorpus(t) || !requireCommand(t, "tshark")) return;
      const packets = await decodeFile(file);
      const rows = tsharkRows(file);
      assert.equal(packets.length, rows.size, "frames");
      const counts = { tcp: 0, udp: 0, icmp: 0 };
      for (const p of packets) {
        const cells = rows.get(p.frame);
        assert.ok(cells, `frame ${p.frame} missing from tshark`);
        const at = `${file} frame ${p.frame}`;
        const tcpPort = num(cells, "tcp.srcport");
        if (tcpPort >= 0 && p.tunnels.length === 0) {
          counts.tcp++;
          assert.equal(p.transport, "tcp", at);
          assert.equal(p.srcPort, tcpPort, `${at} srcport`);
          assert.equal(p.dstPort, num(cells, "tcp.dstport"), `${at} dstport`);
          assert.equal(p.tcpSeq, num(cells, "tcp.seq_raw"), `${at} seq`);
          assert.equal(p.tcpAck, num(cells, "tcp.ack_raw"), `${at} ack`);
          assert.equal(p.tcpWindow, num(cells, "tcp.window_size_value"), `${at} window`);
          assert.equal(p.payloadLenBytes, num(cells, "tcp.len"), `${at} tcp.len`);
          assert.equal(p.tcpMss, num(cells, "tcp.options.mss_val"), `${at} mss`);
          assert.equal(p.tcpWindowScale, num(cells, "tcp.options.wscale.shift"), `${at} wscale`);
          if (!p.tcpOptionsMalformed) {
            const tsval = num(cells, "tcp.options.timestamp.tsval");
            assert.equal(p.tcpHasTimestamps ? p.tcpTsVal : -1, tsval, `${at} tsval`);
          }
        } else if (p.transport === "tcp") {
          assert.fail(`${at}: we decode TCP where tshark has none`);
        }
        const udpPort = num(cells, "udp.srcport");
        if (udpPort >= 0) {
          counts.udp++;
          assert.equal(p.transport, "udp", at);
          assert.equal(p.srcPort, udpPort, `${at} udp srcport`);
          assert.equal(p.dstPort, num(cells, "udp.dstport"), `${at} udp dstport`);
          assert.equal(p.udpLenBytes, num(cells, "udp.length"), `${at} udp.length`);
        } else if (p.transport === "udp") {
          assert.fail(`${at}: we decode UDP where tshark has none`);
        }
        const icmpType = Math.max(num(cells, "icmp.type"), num(cells, "icmpv6.type"));
        if (icmpType >= 0) {
          counts.icmp++;
          assert.equal(p.icmpType, icmpType, `${at} icmp type`);
        }
        const vlan = cells[TSHARK_FIELDS.indexOf("vlan.id")];
        if (vlan) assert.equal(p.vlans[0], Number(vlan), `${at} vlan`);
      }
      t.diagnostic(
        `${file}: ${packets.length} frames, tcp ${counts.tcp}, udp ${counts.udp}, icmp ${counts.icmp}`,
      );
      assert.ok(counts.tcp + counts.udp + counts.icmp > 0, "nothing compared");
    });
  }
});
