/**
 * The TCP state of one endpoint as seen from the capture, in Zeek's terms (its TCP analyzer's
 * TCP_ENDPOINT_* values), from which conn_state is derived (conn-state.ts).
 */
export const EndpointState = {
  /** Nothing sent yet. */
  INACTIVE: 0,
  /** Sent a SYN (without ACK). */
  SYN_SENT: 1,
  /** Sent a SYN/ACK. */
  SYN_ACK_SENT: 2,
  /** Sent something without having been seen to open the connection (midstream capture). */
  PARTIAL: 3,
  /** Part of a completed handshake. */
  ESTABLISHED: 4,
  /** Sent a FIN. */
  CLOSED: 5,
  /** Sent a RST. */
  RESET: 6,
} as const;
export type EndpointStateValue = (typeof EndpointState)[keyof typeof EndpointState];
