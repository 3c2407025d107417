/**
 * TCP flags the way tcpdump prints them: one letter per flag in tcpdump's order F S R P . U E W e
 * (ACK is ".", ECE "E", CWR "W", AE "e"), so SYN/ACK is "S.", PSH/ACK "P.", FIN/ACK "F."; "none"
 * when no flag is set.
 */
import { TcpFlag } from "./types.ts";

const FLAG_LETTERS: readonly (readonly [number, string])[] = [
  [TcpFlag.FIN, "F"],
  [TcpFlag.SYN, "S"],
  [TcpFlag.RST, "R"],
  [TcpFlag.PSH, "P"],
  [TcpFlag.ACK, "."],
  [TcpFlag.URG, "U"],
  [TcpFlag.ECE, "E"],
  [TcpFlag.CWR, "W"],
  [TcpFlag.AE, "e"],
];

export function tcpFlagsString(flags: number): string {
  let text = "";
  for (const [bit, letter] of FLAG_LETTERS) if (flags & bit) text += letter;
  return text === "" ? "none" : text;
}
