/**
 * middlebox-reset (network): a RST that claims to come from one end but whose IP TTL (or IP ID)
 * does not match that end's other packets: a third party on the path forged it (a firewall's
 * session timeout, an IPS, a load balancer, censorship; Weaver, Sommer, Paxson, "Detecting Forged
 * TCP Reset Packets", NDSS 2009). The tcp stage classifies it middlebox-injected (resets.ts).
 * Cost: the request in progress → the RST.
 */
import { plural } from "../ms-text.ts";
import { resetCauseRule } from "../reset-cause.ts";
import type { FindingKind } from "../rule.ts";

export const MIDDLEBOX_RESET = "middlebox-reset";

export const middleboxResetKind: FindingKind = {
  kind: MIDDLEBOX_RESET,
  costSeverityCap: "warning",
  confidence: 0.6,
  describe(group) {
    return {
      title: `A device on the path reset ${plural(group.count, "connection")}`,
      explanation: `A reset claiming to come from the ${group.text("resetBy")} (frame ${group.first.frames[group.first.frames.length - 1]}) does not match that host's other packets (${group.text("evidence")}): something between the two ends forged it, typically a firewall or NAT dropping an idle session, an intrusion-prevention system, or a load balancer.`,
      advice:
        "Find the device whose hop count matches the reset's TTL (traceroute); check its idle/session timeouts and policies; send TCP keep-alives more often than its idle timeout on long-lived connections.",
    };
  },
};

export const middleboxResetRule = resetCauseRule(MIDDLEBOX_RESET, () => "network");
