import assert from "node:assert/strict";
import { test } from "node:test";
import { indexOfByte, latin1TextReusing } from "./latin1.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

test("latin1TextReusing gives the previous string only when the bytes spell it", () => {
  const b = bytes("GET PUT \xe9t\xe9");
  const previous = ["G", "E", "T"].join(""); // a string built at run time, not a literal
  assert.equal(latin1TextReusing(b, 0, 3, 4096, previous), previous);
  assert.equal(latin1TextReusing(b, 4, 7, 4096, previous), "PUT");
  assert.equal(latin1TextReusing(b, 0, 2, 4096, previous), "GE");
  assert.equal(latin1TextReusing(b, 8, 11, 4096, ""), "\xe9t\xe9");
  assert.equal(latin1TextReusing(b, 8, 11, 4096, "\xe9t\xe9"), "\xe9t\xe9");
  // Cut at maxChars, like latin1Text: "GE" is the text, so "GE" is reused.
  assert.equal(latin1TextReusing(b, 0, 3, 2, "GE"), "GE");
  assert.equal(latin1TextReusing(b, 0, 3, 2, "GET"), "GE");
  assert.equal(latin1TextReusing(b, 3, 3, 4096, ""), "");
});

test("indexOfByte never looks past the end it is given", () => {
  const b = bytes("close\r\n\r\nbody, with a comma");
  assert.equal(indexOfByte(b, 0x2c, 0, 5), -1);
  assert.equal(indexOfByte(b, 0x2c, 0, b.length), 13);
  assert.equal(indexOfByte(b, 0x0a, 2, 7), 6);
  assert.equal(indexOfByte(b, 0x63, 0, 0), -1);
});
