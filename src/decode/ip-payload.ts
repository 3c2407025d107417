/** What follows an IPv4 or IPv6 header: the transport, a tunnel, or nothing more to read. */
import { type DecodeCursor, Layer } from "./cursor.ts";
import { EtherType } from "./ether-types.ts";
import { IpProtocol } from "./ip-protocols.ts";
import { setPayload } from "./packet-view.ts";
import { enterTunnel } from "./tunnel.ts";
import type { PacketView } from "./types.ts";

/**
 * Shared by IPv4 and IPv6: sets the transport fields for what follows the IP header and picks the
 * next layer. Until a transport decodes, the whole IP payload stands as the payload, so a packet
 * whose transport header is cut still says how many bytes it carried.
 */
export function dispatchIpPayload(
  view: PacketView,
  cursor: DecodeCursor,
  ipVersion: 4 | 6,
  protocol: number,
  l4: number,
  wireEnd: number,
  laterFragment: boolean,
): void {
  view.l4Offset = l4 <= view.capturedEndOffset ? l4 : -1;
  setPayload(view, l4, wireEnd);
  if (laterFragment || protocol === IpProtocol.IPV6_NO_NEXT) {
    // A later fragment holds no transport header (RFC 791, RFC 8200 §4.5); 59 means nothing follows.
    view.transport = "none";
    return;
  }
  cursor.offsetBytes = l4;
  cursor.endBytes = wireEnd;
  switch (protocol) {
    case IpProtocol.TCP:
      cursor.next = Layer.TCP;
      return;
    case IpProtocol.UDP:
      cursor.next = Layer.UDP;
      return;
    case IpProtocol.ICMP:
      if (ipVersion === 4) cursor.next = Layer.ICMP;
      break;
    case IpProtocol.ICMPV6:
      if (ipVersion === 6) cursor.next = Layer.ICMPV6;
      break;
    case IpProtocol.GRE:
      cursor.next = Layer.GRE;
      break;
    case IpProtocol.IPV4:
      if (enterTunnel(view, ipVersion === 4 ? "ipip" : "ip4in6", l4)) {
        view.etherType = EtherType.IPV4;
        cursor.next = Layer.IPV4;
      }
      break;
    case IpProtocol.IPV6:
      if (enterTunnel(view, ipVersion === 4 ? "ip6in4" : "ip6in6", l4)) {
        view.etherType = EtherType.IPV6;
        cursor.next = Layer.IPV6;
      }
      break;
  }
  // Whatever is not TCP or UDP counts as "other" until (and unless) its own decoder says more.
  view.transport = "other";
}
