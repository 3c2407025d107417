/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B). The code is canonical: within one length,
 * codes are consecutive in symbol order, and each length starts where the previous one ended,
 * shifted left. So the table is fully given by the code length of each of the 257 symbols
 * (256 octets and EOS), transcribed here from Appendix B; the codes are derived at load time.
 */

/** Code length in bits of symbols 0..256 (256 = EOS), from RFC 7541 Appendix B. */
// biome-ignore format: one row per 16 symbols, as the table reads
const CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0..15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16..31
   6, 10, 10, 12, 13,  6,  8, 11, 10, 10,  8, 11,  8,  6,  6,  6, // ' '..'/'
   5,  5,  5,  6,  6,  6,  6,  6,  6,  6,  7,  8, 15,  6, 12, 10, // '0'..'?'
  13,  6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7, // '@'..'O'
   7,  7,  7,  7,  7,  7,  7,  7,  8,  7,  8, 13, 19, 13, 14,  6, // 'P'..'_'
  15,  5,  6,  5,  6,  5,  6,  6,  6,  5,  7,  7,  6,  6,  6,  5, // '`'..'o'
   6,  7,  6,  5,  5,  6,  7,  7,  7,  7,  7, 15, 11, 14, 13, 28, // 'p'..127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128..143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144..159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160..175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176..191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192..207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208..223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224..239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240..255
  30, // EOS
];

export const HUFFMAN_EOS = 256;
const MAX_LEN = 30;

/** Canonical decoding tables: per length, the first code, how many codes, where their symbols start. */
const firstCode = new Int32Array(MAX_LEN + 2);
const countOf = new Int32Array(MAX_LEN + 2);
const firstIndex = new Int32Array(MAX_LEN + 2);
/** Symbols sorted by (length, symbol). */
const symbols = new Int32Array(CODE_LENGTHS.length);
/** The code of each symbol (for tests and for checking the table). */
export const HUFFMAN_CODES = new Uint32Array(CODE_LENGTHS.length);
export const HUFFMAN_LENGTHS: readonly number[] = CODE_LENGTHS;

{
  for (const len of CODE_LENGTHS) countOf[len]++;
  let code = 0;
  let index = 0;
  for (let len = 1; len <= MAX_LEN; len++) {
    firstCode[len] = code;
    firstIndex[len] = index;
    index += countOf[len];
    code = (code + countOf[len]) * 2;
  }
  const next = Int32Array.from(firstIndex);
  for (let len = 1; len <= MAX_LEN; len++) {
    for (let s = 0; s < CODE_LENGTHS.length; s++) {
      if (CODE_LENGTHS[s] !== len) continue;
      HUFFMAN_CODES[s] = firstCode[len] + (next[len] - firstIndex[len]);
      symbols[next[len]++] = s;
    }
  }
}

/**
 * Decodes a Huffman-coded string octet by octet into Latin-1 text. Returns undefined when the
 * input is invalid: EOS inside the string, or padding longer than 7 bits or not all ones
 * (RFC 7541 §5.2 says both MUST be treated as decoding errors).
 */
export function huffmanDecode(bytes: Uint8Array, start: number, end: number): string | undefined {
  let out = "";
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const k = code - firstCode[len];
      if (k >= 0 && k < countOf[len]) {
        const symbol = symbols[firstIndex[len] + k];
        if (symbol === HUFFMAN_EOS) return undefined;
        out += String.fromCharCode(symbol);
        code = 0;
        len = 0;
      } else if (len >= MAX_LEN) {
        return undefined;
      }
    }
  }
  // Padding: the most significant bits of EOS, i.e. all ones, at most 7 of them.
  if (len > 7 || code !== 2 ** len - 1) return undefined;
  return out;
}
