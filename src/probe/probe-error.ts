/**
 * The caller's mistakes and missing prerequisites of `wirewhy probe` (a bad URL, an unsupported
 * scheme, `ss` not installed, --capture without root): thrown with a stable `code`, printed as one
 * line by the CLI. What goes wrong on the wire is not an error here: it is a run's `failure` and a
 * Finding (errors are data).
 */

export type ProbeErrorCode =
  | "WW_ERR_BAD_URL"
  | "WW_ERR_UNSUPPORTED_SCHEME"
  | "WW_ERR_BAD_OPTION"
  | "WW_ERR_MISSING_TOOL"
  | "WW_ERR_NEEDS_ROOT"
  | "WW_ERR_CAPTURE_FAILED";

export class ProbeError extends Error {
  override readonly name = "ProbeError";
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
