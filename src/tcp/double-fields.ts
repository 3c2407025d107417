/**
 * V8 keeps a number field as a small integer (31 bits) until some object of the class stores a
 * larger value in it; then it re-shapes the class and throws away every optimized function that
 * read the field, which runs slowly again until it is re-optimized. Nanosecond times pass 2^31
 * 2.1 s into a capture, and half of all sequence numbers are above 2^31, so without care each
 * such field of the analyzer's state does this once, in the middle of a long capture (a 4.7 s,
 * 1 GB capture lost about a tenth of its analysis time to it). Writing a non-integer into those
 * fields of one throwaway instance when the module loads makes them doubles from the start.
 */

/** Makes `fields` of `instance`'s class hold doubles; throws if one is not a number field. */
export function primeDoubleFields(instance: object, fields: readonly string[]): void {
  const record = instance as Record<string, unknown>;
  for (const field of fields) {
    if (typeof record[field] !== "number") {
      throw new Error(`primeDoubleFields: ${field} is not a number field`);
    }
    record[field] = 0.5;
  }
}
