/**
 * A lab that cannot run: unknown name, not root, its processes failed, its time ran out. `code` is
 * stable (the CLI prints the message and exits with the input-error code for WW_ERR_* codes).
 */
export type LabErrorCode =
  | "WW_ERR_NO_SUCH_LAB"
  | "WW_ERR_LAB_NEEDS_ROOT"
  | "WW_ERR_LAB_FAILED"
  | "WW_ERR_LAB_TIMEOUT";

export class LabError extends Error {
  readonly code: LabErrorCode;
  constructor(code: LabErrorCode, message: string) {
    super(message);
    this.name = "LabError";
    this.code = code;
  }
}
