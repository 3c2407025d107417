/**
 * Every lab, in the order `wirewhy lab list` shows them: from the simplest cause to the hardest
 * to set up. One file per lab under labs/.
 */
import { serverThinkTime } from "./labs/server-think-time.ts";
import type { Lab } from "./types.ts";

export const LABS: readonly Lab[] = [serverThinkTime];

export function findLab(name: string): Lab | undefined {
  return LABS.find((lab) => lab.name === name);
}
