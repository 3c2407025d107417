/**
 * The caller's mistakes and missing prerequisites of `wirewhy host` (no `ss`, --netns without root
 * or with an unknown name, a bad --port): thrown with a stable `code`, printed as one line.
 */

export type HostErrorCode =
  | "WW_ERR_BAD_OPTION"
  | "WW_ERR_MISSING_TOOL"
  | "WW_ERR_NEEDS_ROOT"
  | "WW_ERR_NO_SUCH_NETNS"
  | "WW_ERR_HOST_READ";

export class HostError extends Error {
  override readonly name = "HostError";
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}
