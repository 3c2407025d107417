import assert from "node:assert/strict";
import { test } from "node:test";
import { sniffStreamProtocol } from "./protocol-sniff.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

test("a request line ending in an HTTP version is HTTP/1; a line protocol sharing its verb is not", () => {
  assert.equal(sniffStreamProtocol(0, bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 8080), "http1");
  assert.equal(sniffStreamProtocol(0, bytes("POST /x HTTP/1.0\n"), 8080), "http1");
  // A key-value store's or Redis's inline command: the whole first line, no version.
  assert.equal(sniffStreamProtocol(0, bytes("GET key-0\r\n"), 45053), "generic");
  assert.equal(sniffStreamProtocol(0, bytes("GET /index.html\r\n"), 80), "generic");
  assert.equal(sniffStreamProtocol(0, bytes("GET a HTTP/2.0\r\n"), 80), "generic");
  // A first line the chunk cut: still HTTP/1 (its version may come in the next segment).
  assert.equal(sniffStreamProtocol(0, bytes("GET /a-long-path"), 80), "http1");
});
