/**
 * TCP states as /proc/net/tcp numbers them (enum in include/net/tcp_states.h), with the names ss
 * and netstat use. NEW_SYN_RECV is a request socket (a half-open connection in the SYN queue);
 * /proc/net/tcp lists those as SYN_RECV.
 */

export const TCP_STATES = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "NEW_SYN_RECV",
} as const;

export type TcpStateName = (typeof TCP_STATES)[keyof typeof TCP_STATES] | "UNKNOWN";

export function tcpStateName(code: number): TcpStateName {
  return (TCP_STATES as Record<number, TcpStateName>)[code] ?? "UNKNOWN";
}
