/**
 * The warning list of one read. Each code is reported once, where it first happened (offset and
 * frame), and later occurrences only raise its `count`: a file with a million bad timestamps gets
 * one line, not a million, and memory stays bounded.
 */
import type { CaptureWarning, CaptureWarningCode } from "./types.ts";

export class CaptureWarnings {
  private readonly byCode = new Map<string, CaptureWarning>();

  constructor(private readonly list: CaptureWarning[]) {}

  add(
    code: CaptureWarningCode,
    message: string,
    offsetBytes?: number,
    frame?: number,
  ): CaptureWarning {
    const existing = this.byCode.get(code);
    if (existing !== undefined) {
      existing.count = (existing.count ?? 1) + 1;
      return existing;
    }
    const warning: CaptureWarning = { code, message, offsetBytes, frame };
    this.list.push(warning);
    this.byCode.set(code, warning);
    return warning;
  }

  /**
   * A warning that stopped reading: always its own entry (there is at most one per read), so it
   * is never folded into an earlier warning of the same code that reading survived.
   */
  addFinal(
    code: CaptureWarningCode,
    message: string,
    offsetBytes?: number,
    frame?: number,
  ): CaptureWarning {
    const warning: CaptureWarning = { code, message, offsetBytes, frame };
    this.list.push(warning);
    return warning;
  }
}
