/** The benchmarks' command-line arguments: `--name value` flags and counts checked up front. */

/** The value after `name` in `args`, undefined when the flag is absent. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/** `text` as a whole number >= 1, or exit with a message naming the flag. */
export function positiveCount(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${name} must be a whole number of 1 or more (got "${text}")`);
    process.exit(2);
  }
  return n;
}
