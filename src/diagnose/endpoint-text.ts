/**
 * The text of a server endpoint, the key findings are grouped by: "10.0.0.2:443", and for IPv6
 * the bracketed form of RFC 3986 §3.2.2 ("[2001:db8::1]:443").
 */
import type { Endpoint } from "../tcp/types.ts";

export function endpointText(endpoint: Endpoint): string {
  return endpoint.address.includes(":")
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}

/**
 * The exchange and DNS stages name endpoints "address port"; findings use "address:port"
 * ("[v6]:port") so they group with the connection rules' endpoints.
 */
export function spacedEndpointText(addressSpacePort: string): string {
  const at = addressSpacePort.lastIndexOf(" ");
  if (at < 0) return addressSpacePort;
  const address = addressSpacePort.slice(0, at);
  const port = addressSpacePort.slice(at + 1);
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
