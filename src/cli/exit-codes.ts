/** Exit codes scripts can rely on (documented in README). */
export const ExitCode = {
  /** Everything was read and analysed. */
  OK: 0,
  /** The command ran, and its verdict is a failure (e.g. a lab whose verdict did not match). */
  VERDICT_FAILED: 1,
  /** Nothing could be read: no such file, not a capture, bad usage. */
  INPUT_ERROR: 2,
  /** Results are partial: reading stopped at damage in the input (the warning says where). */
  PARTIAL: 3,
  /** The command ran but could not reach a verdict (a lab whose capture could not be analysed). */
  VERDICT_UNAVAILABLE: 4,
  /** A bug in wirewhy (an exception that should never escape). */
  INTERNAL: 70,
} as const;
