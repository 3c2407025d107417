/**
 * Text from a capture, a server or /proc made safe to print: the one place where an untrusted
 * string becomes printable, for every renderer (terminal, Markdown, any future HTML).
 *
 * Anyone who can send a packet chooses the bytes of its HTTP path, headers, TLS SNI and DNS name,
 * and a server chooses its status line. Written to a terminal as they are, ESC sequences clear the
 * screen, recolour it or set the window title (ECMA-48 CSI and OSC), and CR or BS overwrite what
 * was printed before, hiding a finding; tcpdump and Wireshark have a long history of this class of
 * bug. So every character a terminal or a reader could take for something other than text is shown
 * as a visible escape:
 * - C0 controls (U+0000-U+001F) as `\t`, `\n`, `\r` or `\xHH`, DEL and C1 (U+007F-U+009F) as `\xHH`
 *   (HTTP fields are read as Latin-1, so the escape is the byte on the wire);
 * - lone surrogates and U+FFFD (what invalid UTF-8 decodes to) as `\u{d800}`, `\u{fffd}`;
 * - the format characters that reorder or hide text (bidirectional overrides and isolates, zero
 *   widths, line and paragraph separators, the BOM) as `\u{202e}` and so on ("Trojan Source",
 *   CVE-2021-42574).
 * A renderer's own newlines and tabs are its own: it adds them around the printable text.
 * Backslashes are not doubled, so `printable` is idempotent (applying it twice changes nothing).
 *
 * JSON output keeps the original strings (JSON.stringify escapes control characters itself);
 * its consumers must treat those fields as untrusted text (docs/analysis.md).
 */

/** A value longer than this many characters (after escaping) is cut with an ellipsis. */
export const PRINTABLE_MAX_CHARS = 1024;

const ELLIPSIS = "…";

/** Code points escaped as `\u{..}` besides controls: each one reorders, hides or breaks lines. */
const HIDDEN_FORMAT = new Set([
  0x061c, // ARABIC LETTER MARK
  0x200b, // ZERO WIDTH SPACE
  0x200c,
  0x200d,
  0x200e, // LEFT-TO-RIGHT MARK
  0x200f,
  0x2028, // LINE SEPARATOR
  0x2029, // PARAGRAPH SEPARATOR
  0x202a, // LEFT-TO-RIGHT EMBEDDING ... RIGHT-TO-LEFT OVERRIDE
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2060, // WORD JOINER
  0x2066, // LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
  0x2067,
  0x2068,
  0x2069,
  0xfeff, // ZERO WIDTH NO-BREAK SPACE (BOM)
  0xfffd, // REPLACEMENT CHARACTER: invalid UTF-8 decoded
]);

function hex2(code: number): string {
  return code.toString(16).padStart(2, "0");
}

/** The visible escape of one code point, or null when it prints as itself. */
function escapeOf(code: number): string | null {
  if (code < 0x20) {
    if (code === 0x09) return "\\t";
    if (code === 0x0a) return "\\n";
    if (code === 0x0d) return "\\r";
    return `\\x${hex2(code)}`;
  }
  if (code < 0x7f) return null;
  if (code <= 0x9f) return `\\x${hex2(code)}`;
  // A surrogate here is a lone one: a pair was read as one code point above 0xffff.
  if ((code >= 0xd800 && code <= 0xdfff) || HIDDEN_FORMAT.has(code)) {
    return `\\u{${code.toString(16)}}`;
  }
  return null;
}

/** True when no character of `text` needs an escape (a surrogate, paired or not, says false). */
function printsAsItself(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c < 0xa0 || (c >= 0xd800 && c <= 0xdfff) || HIDDEN_FORMAT.has(c)) return false;
  }
  return true;
}

/**
 * `text` with every control and hidden character as a visible escape, at most `maxChars`
 * characters long (UTF-16 units, as the reports pad columns): a longer result is cut before an
 * escape or a character, never inside one, and ends with "…".
 */
export function printable(text: string, maxChars: number = PRINTABLE_MAX_CHARS): string {
  if (text.length <= maxChars && printsAsItself(text)) return text;
  const pieces: string[] = [];
  let length = 0;
  let i = 0;
  while (i < text.length && length <= maxChars) {
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    const piece = escapeOf(code) ?? text.slice(i, i + width);
    pieces.push(piece);
    length += piece.length;
    i += width;
  }
  if (i >= text.length && length <= maxChars) return pieces.join("");
  while (pieces.length > 0 && length + ELLIPSIS.length > maxChars) {
    length -= pieces.pop()!.length;
  }
  return pieces.join("") + ELLIPSIS;
}

/**
 * Markdown's own syntax and HTML's (GitHub-flavoured Markdown passes inline HTML through): each
 * shown as itself. `<`, `>` and `&` become entities, which read as the character in any Markdown
 * or HTML; the rest take a backslash (CommonMark §2.4 backslash escapes), the backslash included.
 */
const MARKDOWN_ESCAPE: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "\\": "\\\\",
  "`": "\\`",
  "*": "\\*",
  _: "\\_",
  "[": "\\[",
  "]": "\\]",
  "|": "\\|",
  "~": "\\~",
  "#": "\\#",
};
const MARKDOWN_SPECIAL = /[<>&\\`*_[\]|~#]/g;

/**
 * `printable(text, maxChars)` for a Markdown document: inline text (never inside a code span,
 * where entities and escapes show as typed) that renders as the characters it holds, on one line,
 * safe in a table cell.
 */
export function markdownText(text: string, maxChars: number = PRINTABLE_MAX_CHARS): string {
  return printable(text, maxChars).replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ESCAPE[c]);
}

/** Characters a Markdown code span would show as typed but an HTML-loose renderer might not. */
const CODE_SPAN_UNSAFE = /[`<>&]/;

/**
 * `text` as a Markdown code span (a file name, shown verbatim) when that is safe: printable and
 * free of backticks and of `<`, `>`, `&`; otherwise as markdownText, without the span.
 */
export function markdownCode(text: string, maxChars: number = PRINTABLE_MAX_CHARS): string {
  const safe = printable(text, maxChars);
  return CODE_SPAN_UNSAFE.test(safe) ? markdownText(safe, maxChars) : `\`${safe}\``;
}
