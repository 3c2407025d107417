/** Every host rule, in order (findings are then sorted by compareFindings). */
import { acceptQueueFullRule } from "./accept-queue-full.ts";
import { closeWaitRule } from "./close-wait.ts";
import { counterDeltasRule } from "./counter-deltas.ts";
import type { HostRule } from "./host-rule.ts";
import { localPortExhaustionRule } from "./local-port-exhaustion.ts";
import { synRecvFloodRule } from "./syn-recv-flood.ts";

export const HOST_RULES: readonly HostRule[] = [
  acceptQueueFullRule,
  counterDeltasRule,
  closeWaitRule,
  synRecvFloodRule,
  localPortExhaustionRule,
];
