/**
 * Names of ICMP (RFC 792, IANA "ICMP Type Numbers") and ICMPv6 (RFC 4443, IANA "ICMPv6
 * Parameters") messages, with the code where the code changes the meaning; "type T code C" when
 * unknown.
 */

/** Codes of ICMPv4 destination unreachable (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
const V4_UNREACHABLE = [
  "net unreachable",
  "host unreachable",
  "protocol unreachable",
  "port unreachable",
  "fragmentation needed",
  "source route failed",
  "destination network unknown",
  "destination host unknown",
  "source host isolated",
  "network administratively prohibited",
  "host administratively prohibited",
  "network unreachable for TOS",
  "host unreachable for TOS",
  "communication administratively prohibited",
  "host precedence violation",
  "precedence cutoff in effect",
];
const V4_REDIRECT = [
  "redirect for network",
  "redirect for host",
  "redirect for TOS and network",
  "redirect for TOS and host",
];
const V4_TIME_EXCEEDED = ["time exceeded in transit", "fragment reassembly time exceeded"];
const V4_PARAMETER_PROBLEM = [
  "parameter problem",
  "parameter problem: missing option",
  "parameter problem: bad length",
];
const V4_SIMPLE: ReadonlyMap<number, string> = new Map([
  [0, "echo reply"],
  [4, "source quench"],
  [8, "echo request"],
  [9, "router advertisement"],
  [10, "router solicitation"],
  [13, "timestamp request"],
  [14, "timestamp reply"],
  [42, "extended echo request"],
  [43, "extended echo reply"],
]);

const V6_UNREACHABLE = [
  "no route to destination",
  "communication administratively prohibited",
  "beyond scope of source address",
  "address unreachable",
  "port unreachable",
  "source address failed ingress/egress policy",
  "reject route to destination",
  "error in source routing header",
];
const V6_TIME_EXCEEDED = ["hop limit exceeded in transit", "fragment reassembly time exceeded"];
const V6_PARAMETER_PROBLEM = [
  "erroneous header field",
  "unrecognized next header",
  "unrecognized IPv6 option",
  "first fragment has incomplete header chain",
];
const V6_SIMPLE: ReadonlyMap<number, string> = new Map([
  [2, "packet too big"],
  [128, "echo request"],
  [129, "echo reply"],
  [130, "multicast listener query"],
  [131, "multicast listener report"],
  [132, "multicast listener done"],
  [133, "router solicitation"],
  [134, "router advertisement"],
  [135, "neighbor solicitation"],
  [136, "neighbor advertisement"],
  [137, "redirect"],
  [143, "multicast listener report v2"],
]);

export function icmpTypeName(version: 4 | 6, type: number, code: number): string {
  let name: string | undefined;
  if (version === 4) {
    if (type === 3) name = V4_UNREACHABLE[code];
    else if (type === 5) name = V4_REDIRECT[code];
    else if (type === 11) name = V4_TIME_EXCEEDED[code];
    else if (type === 12) name = V4_PARAMETER_PROBLEM[code];
    else name = V4_SIMPLE.get(type);
  } else {
    if (type === 1) name = V6_UNREACHABLE[code];
    else if (type === 3) name = V6_TIME_EXCEEDED[code];
    else if (type === 4) name = V6_PARAMETER_PROBLEM[code];
    else name = V6_SIMPLE.get(type);
  }
  return name ?? `type ${type} code ${code}`;
}
