/**
 * LINKTYPE_ values: the link-layer header type of a pcap file or a pcapng interface, from the
 * tcpdump.org registry (https://www.tcpdump.org/linktypes.html, draft-ietf-opsawg-pcaplinktype).
 *
 * Names are libpcap's DLT names without the prefix (1 is "EN10MB", as tcpdump prints it), so they
 * match what tcpdump -r and capinfos show. Files store LINKTYPE_ values, not the platform's DLT_
 * values; the two differ only for the old raw-IP and loopback numbers noted below.
 */

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte address family in host byte order
export const LINKTYPE_ETHERNET = 1; // DLT_EN10MB
export const LINKTYPE_PPP = 9;
/**
 * 12 and 14 are old on-disk values of raw IP written before libpcap mapped DLT_RAW to 101:
 * DLT_RAW is 12 on most platforms, 14 on BSD/OS, and OpenBSD used 12 for DLT_LOOP. Wireshark reads
 * both as raw IP, as does wirewhy.
 */
export const LINKTYPE_RAW_DLT12 = 12;
export const LINKTYPE_RAW_DLT14 = 14;
export const LINKTYPE_RAW = 101; // raw IPv4 or IPv6, version from the first nibble
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: 4-byte address family, network byte order
export const LINKTYPE_LINUX_SLL = 113; // Linux "cooked" capture v1 (tcpdump -i any)
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276; // Linux "cooked" capture v2 (tcpdump -i any since 4.99)

const NAMES: Record<number, string> = {
  0: "NULL",
  1: "EN10MB",
  2: "EN3MB",
  3: "AX25",
  4: "PRONET",
  5: "CHAOS",
  6: "IEEE802",
  7: "ARCNET_BSD",
  8: "SLIP",
  9: "PPP",
  10: "FDDI",
  12: "RAW",
  14: "RAW",
  50: "PPP_HDLC",
  51: "PPP_ETHER",
  100: "ATM_RFC1483",
  101: "RAW",
  104: "C_HDLC",
  105: "IEEE802_11",
  106: "ATM_CLIP",
  107: "FRELAY",
  108: "LOOP",
  109: "ENC",
  113: "LINUX_SLL",
  114: "LTALK",
  117: "PFLOG",
  119: "PRISM_HEADER",
  122: "IP_OVER_FC",
  123: "SUNATM",
  127: "IEEE802_11_RADIO",
  129: "ARCNET_LINUX",
  138: "APPLE_IP_OVER_IEEE1394",
  139: "MTP2_WITH_PHDR",
  140: "MTP2",
  141: "MTP3",
  142: "SCCP",
  143: "DOCSIS",
  144: "LINUX_IRDA",
  163: "IEEE802_11_RADIO_AVS",
  165: "BACNET_MS_TP",
  166: "PPP_PPPD",
  169: "GPRS_LLC",
  177: "LINUX_LAPD",
  187: "BLUETOOTH_HCI_H4",
  189: "USB_LINUX",
  192: "PPI",
  195: "IEEE802_15_4_WITHFCS",
  197: "ERF",
  201: "BLUETOOTH_HCI_H4_WITH_PHDR",
  202: "AX25_KISS",
  203: "LAPD",
  204: "PPP_WITH_DIR",
  205: "C_HDLC_WITH_DIR",
  206: "FRELAY_WITH_DIR",
  209: "IPMB_LINUX",
  215: "IEEE802_15_4_NONASK_PHY",
  220: "USB_LINUX_MMAPPED",
  224: "FC_2",
  225: "FC_2_WITH_FRAME_DELIMS",
  226: "IPNET",
  227: "CAN_SOCKETCAN",
  228: "IPV4",
  229: "IPV6",
  230: "IEEE802_15_4_NOFCS",
  231: "DBUS",
  235: "DVB_CI",
  239: "NFLOG",
  240: "NETANALYZER",
  241: "NETANALYZER_TRANSPARENT",
  242: "IPOIB",
  243: "MPEG_2_TS",
  247: "INFINIBAND",
  248: "SCTP",
  249: "USBPCAP",
  251: "BLUETOOTH_LE_LL",
  252: "WIRESHARK_UPPER_PDU",
  253: "NETLINK",
  254: "BLUETOOTH_LINUX_MONITOR",
  256: "BLUETOOTH_LE_LL_WITH_PHDR",
  258: "PKTAP",
  259: "EPON",
  266: "USB_DARWIN",
  271: "VSOCK",
  272: "NORDIC_BLE",
  274: "ETHERNET_MPACKET",
  276: "LINUX_SLL2",
  279: "EBHSCR",
  280: "VPP_DISPATCH",
  281: "DSA_TAG_BRCM",
  282: "DSA_TAG_BRCM_PREPEND",
  283: "IEEE802_15_4_TAP",
  284: "DSA_TAG_DSA",
  285: "DSA_TAG_EDSA",
  288: "USB_2_0",
  290: "ETW",
};

/** The registry name of a LINKTYPE_ value ("EN10MB", "LINUX_SLL2"), or "LINKTYPE_n" when unknown. */
export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `LINKTYPE_${linkType}`;
}

/** True for the three on-disk values that mean raw IP (101, and the old 12 and 14). */
export function isRawIpLinkType(linkType: number): boolean {
  return (
    linkType === LINKTYPE_RAW || linkType === LINKTYPE_RAW_DLT12 || linkType === LINKTYPE_RAW_DLT14
  );
}
