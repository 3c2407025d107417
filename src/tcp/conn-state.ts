/**
 * Zeek's conn_state, from the final state of both endpoints and the history (Zeek's
 * base/protocols/conn/main.zeek `conn_state`):
 *   S0  connection attempt seen, no reply
 *   S1  connection established, not terminated
 *   SF  normal establishment and termination
 *   REJ connection attempt rejected
 *   S2  established, and a close attempt by the originator seen (no reply from the responder)
 *   S3  established, and a close attempt by the responder seen (no reply from the originator)
 *   RSTO   established, the originator aborted (sent a RST)
 *   RSTR   the responder sent a RST
 *   RSTOS0 the originator sent a SYN then a RST; no SYN/ACK from the responder
 *   RSTRH  the responder sent a SYN/ACK then a RST; no SYN from the originator
 *   SH  the originator sent a SYN then a FIN; no SYN/ACK from the responder ("half" open)
 *   SHR the responder sent a SYN/ACK then a FIN; no SYN from the originator
 *   OTH no SYN seen, just midstream traffic
 */
import { EndpointState, type EndpointStateValue } from "./endpoint-state.ts";

export type ConnState =
  | "S0"
  | "S1"
  | "SF"
  | "REJ"
  | "S2"
  | "S3"
  | "RSTO"
  | "RSTR"
  | "RSTOS0"
  | "RSTRH"
  | "SH"
  | "SHR"
  | "OTH";

// Zeek's pattern for RSTOS0: a SYN, then a RST from the originator, nothing answered.
const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R/;

export function connState(
  orig: EndpointStateValue,
  resp: EndpointStateValue,
  origPayloadBytes: number,
  respPayloadBytes: number,
  history: string,
): ConnState {
  const origInactive = orig === EndpointState.INACTIVE || orig === EndpointState.PARTIAL;
  const respInactive = resp === EndpointState.INACTIVE || resp === EndpointState.PARTIAL;
  if (resp === EndpointState.RESET) {
    if (
      orig === EndpointState.SYN_SENT ||
      orig === EndpointState.SYN_ACK_SENT ||
      (orig === EndpointState.RESET && origPayloadBytes === 0 && respPayloadBytes === 0)
    ) {
      return "REJ";
    }
    return origInactive ? "RSTRH" : "RSTR";
  }
  if (orig === EndpointState.RESET) {
    if (respInactive) return RSTOS0_HISTORY.test(history) ? "RSTOS0" : "OTH";
    return "RSTO";
  }
  if (resp === EndpointState.CLOSED && orig === EndpointState.CLOSED) return "SF";
  if (orig === EndpointState.CLOSED) return respInactive ? "SH" : "S2";
  if (resp === EndpointState.CLOSED) return origInactive ? "SHR" : "S3";
  if (orig === EndpointState.SYN_SENT && resp === EndpointState.INACTIVE) return "S0";
  if (orig === EndpointState.ESTABLISHED && resp === EndpointState.ESTABLISHED) return "S1";
  return "OTH";
}
