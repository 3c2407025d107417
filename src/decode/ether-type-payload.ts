/**
 * What follows an EtherType field: any number of VLAN tags (IEEE 802.1Q customer tags, 802.1ad
 * service tags, and the pre-standard 0x9100/0x9200 QinQ tags), an 802.2 LLC header when the field
 * is an 802.3 length (with SNAP, RFC 1042, carrying an EtherType again), then the network layer.
 * ARP and every other EtherType end the packet without a stop: they were recognised, and wirewhy
 * has nothing to read in them.
 */
import { u16be } from "./big-endian.ts";
import { type DecodeCursor, Layer } from "./cursor.ts";
import { ETHERNET_MAX_LENGTH_FIELD, ETHERTYPE_MIN, EtherType } from "./ether-types.ts";
import { MAX_VLAN_TAGS } from "./packet-view.ts";
import { stopDecoding, stopShortHeader } from "./stop.ts";
import type { PacketView } from "./types.ts";

/** A VLAN tag: 2 bytes TCI (PCP 3 bits, DEI 1 bit, VID 12 bits), then the next type (802.1Q §9.6). */
const VLAN_TAG_BYTES = 4;
const VLAN_ID_MASK = 0x0fff;
/** LLC DSAP/SSAP 0xAA with control 0x03 (UI) announces a SNAP header (RFC 1042). */
const LLC_SAP_SNAP = 0xaa;
const LLC_CONTROL_UI = 0x03;
const LLC_BYTES = 3;
const SNAP_BYTES = 5;
/** SNAP OUIs whose protocol ID is an EtherType: RFC 1042's 00-00-00 and 802.1H's 00-00-F8. */
const OUI_RFC1042 = 0x000000;
const OUI_8021H = 0x0000f8;

function isVlanTpid(type: number): boolean {
  return (
    type === EtherType.VLAN ||
    type === EtherType.QINQ ||
    type === EtherType.QINQ_9100 ||
    type === EtherType.QINQ_9200
  );
}

export function decodeEtherTypePayload(view: PacketView, cursor: DecodeCursor): void {
  const b = view.bytes;
  const end = cursor.endBytes;
  let offset = cursor.offsetBytes;
  let type = view.etherType;
  let tags = 0;
  const recordTags = view.tunnelCount === 0;
  while (isVlanTpid(type)) {
    if (offset + VLAN_TAG_BYTES > view.capturedEndOffset) {
      view.etherType = type;
      stopShortHeader(view, "vlan", offset, VLAN_TAG_BYTES, end, "VLAN tag");
      return;
    }
    if (tags === MAX_VLAN_TAGS) {
      view.etherType = type;
      stopDecoding(
        view,
        "vlan",
        "malformed",
        offset,
        0,
        view.capturedEndOffset - offset,
        "more than 8 VLAN tags",
      );
      return;
    }
    if (recordTags) view.vlanIds[view.vlanCount++] = u16be(b, offset) & VLAN_ID_MASK;
    tags++;
    type = u16be(b, offset + 2);
    offset += VLAN_TAG_BYTES;
  }
  if (type <= ETHERNET_MAX_LENGTH_FIELD) {
    // An 802.3 length: an 802.2 LLC header follows.
    if (offset + LLC_BYTES > view.capturedEndOffset) {
      view.etherType = -1;
      stopShortHeader(view, "llc", offset, LLC_BYTES, end, "802.2 LLC header");
      return;
    }
    const isSnap =
      b[offset] === LLC_SAP_SNAP &&
      b[offset + 1] === LLC_SAP_SNAP &&
      b[offset + 2] === LLC_CONTROL_UI;
    if (!isSnap) {
      // Spanning tree, NetBIOS, IPX over LLC...: recognised as LLC, nothing more to read.
      view.etherType = -1;
      return;
    }
    if (offset + LLC_BYTES + SNAP_BYTES > view.capturedEndOffset) {
      view.etherType = -1;
      stopShortHeader(view, "snap", offset + LLC_BYTES, SNAP_BYTES, end, "SNAP header");
      return;
    }
    const oui = (b[offset + 3] << 16) | (b[offset + 4] << 8) | b[offset + 5];
    if (oui !== OUI_RFC1042 && oui !== OUI_8021H) {
      // A vendor protocol (e.g. Cisco's CDP under OUI 00-00-0C): its ID is not an EtherType.
      view.etherType = -1;
      return;
    }
    type = u16be(b, offset + 6);
    offset += LLC_BYTES + SNAP_BYTES;
  }
  view.etherType = type;
  cursor.offsetBytes = offset;
  if (type === EtherType.IPV4) cursor.next = Layer.IPV4;
  else if (type === EtherType.IPV6) cursor.next = Layer.IPV6;
  else if (type < ETHERTYPE_MIN) view.etherType = -1;
}
