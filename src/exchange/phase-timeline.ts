/**
 * Builds an exchange's phases so that they tile [startMs, endMs] with no gap and no overlap,
 * whatever the capture's timestamps do: each phase starts where the previous one ended and ends at
 * its own boundary, or at its start when that boundary lies earlier (timestamps out of order, a
 * pipelined request sent before the previous response ended, a response that began before the
 * request was complete). Zero-length phases are left out.
 */
import type { ChargeContext } from "./phase-charges.ts";
import { chargePhase } from "./phase-charges.ts";
import type { Phase, PhaseName } from "./types.ts";

/** Times are kept to the nanosecond (pcapng's finest common resolution). */
function roundNs(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

export class PhaseTimeline {
  readonly phases: Phase[] = [];
  readonly startMs: number;
  private cursorMs: number;

  constructor(startMs: number) {
    this.startMs = roundNs(startMs);
    this.cursorMs = this.startMs;
  }

  get endMs(): number {
    return this.cursorMs;
  }

  /** The next phase runs from the current end to `endMs`; frames [firstFrame, lastFrame]. */
  add(name: PhaseName, endMs: number, firstFrame: number, lastFrame: number): void {
    const end = roundNs(endMs);
    if (!(end > this.cursorMs)) return;
    this.phases.push({
      name,
      startMs: this.cursorMs,
      durationMs: roundNs(end - this.cursorMs),
      frames: firstFrame > 0 && lastFrame > 0 ? [firstFrame, lastFrame] : [],
      layer: "network",
      charges: {},
    });
    this.cursorMs = end;
  }

  /** Charges every phase; returns the phases. */
  charged(ctx: ChargeContext): Phase[] {
    for (const p of this.phases) chargePhase(p, ctx);
    return this.phases;
  }

  get durationMs(): number {
    return roundNs(this.cursorMs - this.startMs);
  }
}
