/**
 * The corpus files where wirewhy's reading differs from tshark 4.0.17's figures in REFERENCE.tsv,
 * or that tshark reads with an error, with what we read instead and why. Shared by the capture
 * stage's corpus test and the `wirewhy info` corpus test.
 */
export interface ReadDifference {
  packets: number;
  /** [code, offsetBytes] of each warning, in order; [] when none. */
  warnings: Array<[string, number | undefined]>;
  stoppedEarly?: boolean;
  why: string;
}

/** Files where our figures differ from tshark's packets column, or that tshark reads with an error. */
export const READ_DIFFERENCES: Record<string, ReadDifference> = {
  "hk-le-test102.pcapng": {
    packets: 5,
    warnings: [],
    why: "tshark 4.0 counts its 3 Custom Blocks as frames; we skip and count them (5 + 3 = 8)",
  },
  "hk-be-test202.pcapng": {
    packets: 8,
    warnings: [],
    why: "tshark 4.0 counts its 3 Custom Blocks as frames (8 + 3 = 11)",
  },
  "pcap-invalid-version-1.pcap": {
    packets: 1,
    warnings: [["unsupported-version", 4]],
    why: "tshark refuses version 1.4; its one record is sane, so we read it and warn",
  },
  "linktype-reserved-field-not-zero.pcap": {
    packets: 0,
    warnings: [["linktype-reserved-bits", 20]],
    why: "tshark refuses reserved bits 0x00300000; we mask them, warn, and find no records",
  },
  "fuzz.pcap": {
    packets: 1,
    warnings: [["record-too-large", 228]],
    stoppedEarly: true,
    why: "tshark guesses another pcap variant and shows a garbage 2nd frame; with standard 16-byte record headers the 2nd header claims a 1409179648-byte packet and nothing plausible follows",
  },
  "tls_DER-incomplete-header.pcap": {
    packets: 13,
    warnings: [["record-too-large", 5035]],
    why: "tshark stops at the corrupt header after 6 frames; we skip its 80 bytes and read the 7 real packets after it (IP ids continue)",
  },
  "test901.pcapng": {
    packets: 2,
    warnings: [["unsupported-section-version", 480]],
    why: "tshark stops at the version 2.0 section; we skip that section and read the 1.0 section after it",
  },
  "cut-midpacket.pcapng": {
    packets: 650,
    warnings: [["truncated-record", 456064]],
    stoppedEarly: true,
    why: "cut in the middle of a packet, like tshark",
  },
  "cut-midpacket.pcap": {
    packets: 13,
    warnings: [["truncated-record", 6253]],
    stoppedEarly: true,
    why: "cut in the middle of a packet, like tshark",
  },
  "timestamp_invalid_nano.pcap": {
    packets: 3,
    warnings: [["timestamp-fraction-overflow", 116]],
    why: "fractions >= 1e9 ns: tshark prints them raw (1418145370.1000000000); we carry whole seconds",
  },
};
