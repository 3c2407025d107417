import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { markdownCode, markdownText, PRINTABLE_MAX_CHARS, printable } from "./printable-text.ts";

const ESC = "\u001b";
const BEL = "\u0007";

describe("printable", () => {
  it("leaves plain text, non-ASCII letters and emoji as they are", () => {
    assert.equal(printable("GET /api/report?id=7"), "GET /api/report?id=7");
    assert.equal(printable("café ☕ 😀 日本"), "café ☕ 😀 日本");
  });

  it("shows terminal escape sequences, CR, BS, tab and newline as visible escapes", () => {
    assert.equal(printable(`/a${ESC}[2J${ESC}[31m`), "/a\\x1b[2J\\x1b[31m");
    assert.equal(printable(`${ESC}]0;title${BEL}`), "\\x1b]0;title\\x07");
    assert.equal(printable("a\rb\bc\td\ne\u0000"), "a\\rb\\x08c\\td\\ne\\x00");
  });

  it("shows DEL and C1 controls (Latin-1 bytes 0x7f-0x9f) as their byte", () => {
    assert.equal(printable("x\u007f\u0085\u009b2J"), "x\\x7f\\x85\\x9b2J");
  });

  it("shows lone surrogates, U+FFFD from invalid UTF-8 and bidi overrides as code points", () => {
    const invalid = new TextDecoder().decode(Uint8Array.from([0x61, 0xc3, 0x28]));
    assert.equal(printable(invalid), "a\\u{fffd}(");
    assert.equal(printable("a\ud800b\udc00"), "a\\u{d800}b\\u{dc00}");
    assert.equal(printable("abc\u202etxt.exe"), "abc\\u{202e}txt.exe");
    assert.equal(printable("a\u2028b"), "a\\u{2028}b");
  });

  it("cuts a long value with an ellipsis, never inside an escape or a surrogate pair", () => {
    assert.equal(printable("abcdefgh", 5), "abcd…");
    assert.equal(printable("abcde", 5), "abcde");
    // "ab\x1b" is 6 characters: cutting at 5 drops the whole escape.
    assert.equal(printable(`ab${ESC}cd`, 5), "ab…");
    assert.equal(printable("ab😀cd", 4), "ab…");
    const long = "x".repeat(PRINTABLE_MAX_CHARS + 10);
    assert.equal(printable(long).length, PRINTABLE_MAX_CHARS);
    assert.ok(printable(long).endsWith("…"));
  });

  it("is idempotent", () => {
    const hostile = `<script>${ESC}[2J\r\b\ud800\u202e</script>`;
    assert.equal(printable(printable(hostile)), printable(hostile));
  });

  it("never returns a control character", () => {
    let all = "";
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them.
    assert.doesNotMatch(printable(all, all.length * 8), /[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe("markdownText", () => {
  it("makes HTML entities of < > & so no tag reaches the document", () => {
    assert.equal(
      markdownText("<script>alert(1)</script>"),
      "&lt;script&gt;alert(1)&lt;/script&gt;",
    );
    assert.equal(markdownText("a&b"), "a&amp;b");
  });

  it("escapes Markdown's syntax, the backslash of printable's escapes included", () => {
    assert.equal(
      markdownText("a|b `c` *d* _e_ [f](g) ~h~ #i"),
      "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\#i",
    );
    assert.equal(markdownText(`${ESC}[31m`), "\\\\x1b\\[31m");
  });

  it("keeps a plain file name a code span, and escapes one a code span cannot hold", () => {
    assert.equal(markdownCode("examples/slow_endpoint.pcap"), "`examples/slow_endpoint.pcap`");
    assert.equal(markdownCode("a`b<c>.pcap"), "a\\`b&lt;c&gt;.pcap");
    assert.equal(markdownCode(`x${ESC}[2J.pcap`), "`x\\x1b[2J.pcap`");
  });
});
