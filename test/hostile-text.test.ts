/**
 * Strings from a capture are untrusted (issue 22): every text output of every command, run as
 * users run it, on a capture whose HTTP path, Host and other headers, status reason, TLS SNI and
 * ALPN, DNS name, generic payload and pcapng comments and interface name hold
 * `<script>alert(1)</script>`, ESC[2J, ESC[31m, ESC]0;title BEL, CR, BS and the 8-bit CSI
 * (test/fixtures/hostile/hostile-capture.ts builds it). The output holds no byte below 0x20 but
 * the newline, no DEL or C1, and no ESC but the colour codes wirewhy writes itself; Markdown holds
 * no `<` from the capture; the strings are still there, as visible escapes; JSON keeps them whole.
 * Then `wirewhy probe` against a local server that answers with such a status line and headers
 * (Node's HTTP parser refuses CR and ESC there, so the probe reports the parse error) or serves a
 * certificate with such a subjectAltName, and `wirewhy host` on a listener whose process name
 * holds ESC sequences.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Analysis } from "../src/diagnose/types.ts";
import type { Exchange } from "../src/exchange/types.ts";
import { makeCertificates } from "../src/probe/testing/certificates.ts";
import { hasCommand, repoRoot, requireCommand } from "../src/testing/corpus.ts";
import { HOSTILE, hostileCapture } from "./fixtures/hostile/hostile-capture.ts";

/** HOSTILE as the terminal reports print it (written out here, not computed by the code tested). */
const ESCAPED = String.raw`<script>alert(1)</script>\x1b[2J\x1b[31m\x1b]0;title\x07\r\x08\x9b2J`;
/** The same in Markdown: entities for < >, a backslash before [ ] and before each escape's. */
const MARKDOWN_ESCAPED = String.raw`&lt;script&gt;alert(1)&lt;/script&gt;\\x1b\[2J\\x1b\[31m\\x1b\]0;title\\x07\\r\\x08\\x9b2J`;
/** The pcapng comment: HOSTILE then the invalid UTF-8 ff fe c3 28, decoded to U+FFFD ×3 and "(". */
const COMMENT_ESCAPED = String.raw`${ESCAPED}\u{fffd}\u{fffd}\u{fffd}(`;

/**
 * The SGR sequences picocolors writes (one parameter each: bold, dim, the colours and their
 * resets). Stripping only these leaves any other escape sequence in place for the checks below.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every SGR sequence.
const PICOCOLORS_SGR = /\u001b\[(?:1|2|22|3[0-7]|39|9[0-7])m/g;

const dir = mkdtempSync(join(tmpdir(), "wirewhy-hostile-"));
const CAPTURE = join(dir, "hostile.pcapng");
writeFileSync(CAPTURE, hostileCapture());
after(() => rmSync(dir, { recursive: true, force: true }));

type Colour = "no-color" | "force-color" | "pipe";

function wirewhy(args: string[], colour: Colour) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  if (colour === "no-color") env.NO_COLOR = "1";
  if (colour === "force-color") env.FORCE_COLOR = "1";
  const r = spawnSync(process.execPath, ["bin/wirewhy.js", ...args], { cwd: repoRoot, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Fails on the first character a terminal would act on: a C0 control but the newline, DEL, a C1
 * control, ESC, a raw U+FFFD or lone surrogate; the bytes must be valid UTF-8.
 */
function assertPrintable(bytes: Buffer, what: string, colour: Colour): string {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const seen = colour === "force-color" ? text.replace(PICOCOLORS_SGR, "") : text;
  for (let i = 0; i < seen.length; i++) {
    const c = seen.charCodeAt(i);
    const bad =
      (c < 0x20 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0xfffd ||
      (c >= 0xd800 && c <= 0xdfff);
    if (bad) {
      const around = JSON.stringify(seen.slice(Math.max(0, i - 40), i + 20));
      assert.fail(`${what}: U+${c.toString(16).padStart(4, "0")} at ${i}, in ${around}`);
    }
  }
  return text;
}

/** Runs a command and checks its output; `coloured`: it has colours when they are forced. */
function run(args: string[], colour: Colour, coloured = true): string {
  const what = `wirewhy ${args.join(" ")} (${colour})`;
  const r = wirewhy(args, colour);
  assert.ok(r.status === 0, `${what}: exit ${r.status}: ${r.stderr}`);
  assertPrintable(r.stderr, `${what} stderr`, colour);
  const text = assertPrintable(r.stdout, what, colour);
  if (colour === "force-color" && coloured) {
    assert.ok(text.includes("\u001b[1m"), `${what}: colours were forced, bold among them`);
  } else assert.ok(!text.includes("\u001b"), what);
  return text;
}

const COLOURS: Colour[] = ["pipe", "no-color", "force-color"];

test("analyze: the report quotes the path, the DNS name and the SNI as escapes", () => {
  for (const colour of COLOURS) {
    const text = run(["analyze", CAPTURE], colour);
    // The 500's finding names the request in its title line (never wrapped).
    assert.ok(text.includes(`HTTP 500 from the server: 1 request failed (GET /${ESCAPED})`), text);
    assert.ok(text.includes(`for www.${ESCAPED}.example)`), text);
    assert.ok(text.includes(`on ${ESCAPED}.example)`), text);
    // The evidence's facts are cut at 60 characters, after whole escapes.
    assert.ok(
      text.includes(String.raw`/<script>alert(1)</script>\x1b[2J\x1b[31m\x1b]0;title…`),
      text,
    );
  }
});

test("analyze --markdown: no markup and no control character from the capture", () => {
  for (const colour of ["pipe", "force-color"] as const) {
    const md = run(["analyze", "--markdown", CAPTURE], colour, false);
    assert.ok(!md.includes("\u001b"), "Markdown never has colours");
    // The only `<` left is the report's own "<1%" share.
    assert.equal(md.replaceAll("<1%", "").indexOf("<"), -1, md);
    assert.ok(!md.includes("<script"));
    assert.ok(
      md.includes(
        `| HTTP 500 from the server: 1 request failed (GET /${MARKDOWN_ESCAPED}) (\`http-server-error\`) |`,
      ),
      md,
    );
    assert.ok(
      md.includes(
        `**4 requests, with errors (the server app: HTTP 500 from the server: 1 request failed (GET /${MARKDOWN_ESCAPED}));`,
      ),
      md,
    );
    assert.ok(md.includes(`| 1 | GET /${MARKDOWN_ESCAPED} | 500 |`), md);
  }
});

test("exchanges: targets are escaped and cut to the column", () => {
  for (const colour of COLOURS) {
    const text = run(["exchanges", CAPTURE], colour);
    assert.ok(text.includes(String.raw`A www.<script>alert(1)</script>\x1b[2J\x1b[31m… `), text);
    assert.ok(text.includes(String.raw`GET /<script>alert(1)</script>\x1b[2J\x1b[31m…  `), text);
    assert.ok(text.includes(String.raw`<script>alert(1)</script>\x1b[2J\x1b[31m\x1b]0;… `), text);
    assert.match(text, /4 of 4 exchanges shown \(1 DNS lookups\) on 3 TCP connections/);
  }
});

test("conns and packets: no string of the capture, no control character", () => {
  for (const colour of COLOURS) {
    assert.match(run(["conns", CAPTURE], colour), /3 connections; 34 TCP packets of 36/);
    const packets = run(["packets", CAPTURE], colour, false);
    assert.equal(packets.trimEnd().split("\n").length, 36);
  }
});

test("info: the section comment and the interface name are escaped, U+FFFD included", () => {
  for (const colour of COLOURS) {
    const text = run(["info", CAPTURE], colour);
    assert.ok(text.includes(`  #0 ${COMMENT_ESCAPED}  EN10MB (1)`), text);
    assert.ok(text.includes(`\n  ${COMMENT_ESCAPED}\n`), text);
  }
});

test("a hostile file name is escaped too (Linux allows any byte but / and NUL)", () => {
  const named = join(dir, "x\u001b]0;t\u0007<b>.pcapng");
  writeFileSync(named, hostileCapture());
  const escapedName = String.raw`x\x1b]0;t\x07<b>.pcapng`;
  for (const colour of ["pipe", "force-color"] as const) {
    assert.ok(run(["analyze", named], colour).includes(escapedName));
    assert.ok(run(["info", named], colour).includes(escapedName));
    assert.ok(run(["exchanges", named], colour).includes("4 of 4 exchanges shown"));
  }
  const md = run(["analyze", "--markdown", named], "pipe", false);
  // Not a code span (it holds a `<`): entities and escapes, which a code span would show as typed.
  assert.ok(
    md.startsWith(
      String.raw`## wirewhy analysis of ${dir.replaceAll("_", "\\_")}/x\\x1b\]0;t\\x07&lt;b&gt;.pcapng`,
    ),
    md,
  );
});

test("JSON keeps the capture's strings whole", () => {
  const analysis = JSON.parse(
    wirewhy(["analyze", "--json", CAPTURE], "pipe").stdout.toString(),
  ) as Analysis;
  const byProtocol = new Map(analysis.exchanges.map((x) => [x.protocol, x]));
  assert.equal(byProtocol.get("http1")?.request.target, `/${HOSTILE}`);
  assert.equal(byProtocol.get("http1")?.request.host, HOSTILE);
  assert.equal(byProtocol.get("tls")?.tls?.serverName, `${HOSTILE}.example`);
  assert.deepEqual(byProtocol.get("tls")?.tls?.alpnOffered, [HOSTILE]);
  assert.equal(byProtocol.get("dns")?.request.target, `www.${HOSTILE}.example`);
  const failed = analysis.findings.find((f) => f.kind === "http-server-error");
  assert.equal(failed?.evidence.facts?.request, `GET /${HOSTILE}`);

  const exchanges = JSON.parse(
    wirewhy(["exchanges", "--json", CAPTURE], "pipe").stdout.toString(),
  ) as {
    exchanges: Exchange[];
  };
  assert.equal(
    exchanges.exchanges.find((x) => x.protocol === "http1")?.request.target,
    `/${HOSTILE}`,
  );

  const info = JSON.parse(wirewhy(["info", "--json", CAPTURE], "pipe").stdout.toString()) as {
    comments: string[];
    interfaces: { name?: string }[];
  };
  assert.ok(info.comments.includes(`${HOSTILE}\ufffd\ufffd\ufffd(`));
  assert.equal(info.interfaces[0].name, `${HOSTILE}\ufffd\ufffd\ufffd(`);
});

/** A server that answers every request with `reply` (bytes as Latin-1) and closes. */
async function hostileServer(reply: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.end(Buffer.from(reply, "latin1")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

const HOSTILE_NO_CR = HOSTILE.replace("\r", "");

/** Each reply, and what the probe must report of it (Node's HTTP parser refuses the first two). */
const REPLIES: [reply: string, shown: RegExp][] = [
  [
    `HTTP/1.1 503 ${HOSTILE}\r\nServer: ${HOSTILE}\r\nContent-Length: 2\r\n\r\nhi`,
    /request-failed \(HPE_STRICT\)/,
  ],
  [
    `HTTP/1.1 503 ${HOSTILE_NO_CR}\r\nServer: ${HOSTILE_NO_CR}\r\nX-Hostile: ${HOSTILE_NO_CR}\r\nContent-Length: 2\r\n\r\nhi`,
    /request-failed \(HPE_INVALID_HEADER_TOKEN\)/,
  ],
  [
    "HTTP/1.1 503 <script>alert(1)</script>\r\nServer: <script>alert(1)</script>\r\nContent-Length: 2\r\n\r\nhi",
    /\n {3}1 {4}503 /,
  ],
];

/** wirewhy in a child process, without blocking this process's event loop (the server is here). */
function wirewhyAsync(args: string[], colour: Colour) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  if (colour === "force-color") env.FORCE_COLOR = "1";
  return new Promise<{ status: number | null; stdout: Buffer; stderr: Buffer }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ["bin/wirewhy.js", ...args], {
        cwd: repoRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        timeout: PROBE_TIMEOUT_MS,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (status) =>
        resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
      );
    },
  );
}

/** A probe of one request to a local server never takes this long. */
const PROBE_TIMEOUT_MS = 60_000;

test("probe: a server's hostile status line and headers print no control character", async (t) => {
  // Root with tcpdump: also --capture, whose analysis reads the hostile bytes off the wire.
  const capture = process.getuid?.() === 0 && hasCommand("tcpdump");
  for (const [reply, shown] of REPLIES) {
    const { server, port } = await hostileServer(reply);
    t.after(() => server.close());
    for (const colour of ["pipe", "force-color"] as const) {
      const args = ["probe", `http://127.0.0.1:${port}/`, "-n", "1", "--no-kernel"];
      if (capture && colour === "pipe") args.push("--capture");
      const what = `wirewhy ${args.join(" ")} (${colour})`;
      const r = await wirewhyAsync(args, colour);
      // Each run fails (a parse error or a 503): the probe's exit code for a failure.
      assert.equal(r.status, 1, `${what}: exit ${r.status}: ${r.stderr}`);
      assertPrintable(r.stderr, `${what} stderr`, colour);
      const text = assertPrintable(r.stdout, what, colour);
      assert.match(text.replace(PICOCOLORS_SGR, ""), shown, text);
    }
  }
});

test("probe: a certificate whose subjectAltName holds escapes and markup", async (t) => {
  if (!requireCommand(t, "openssl")) return;
  // IA5String allows every ASCII byte: the server chooses these names.
  const certs = makeCertificates(["DNS:a\u001b[2J\u001b]0;t\u0007<script>b.example"]);
  t.after(() => certs.remove());
  const server = createHttpsServer(
    { cert: readFileSync(certs.leafCert), key: readFileSync(certs.leafKey) },
    (_req, res) => res.end("hi"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  for (const colour of ["pipe", "force-color"] as const) {
    const args = ["probe", `https://localhost:${port}/`, "-4", "-n", "1", "--no-kernel"];
    args.push("--cacert", certs.caCert);
    const what = `wirewhy ${args.join(" ")} (${colour})`;
    const r = await wirewhyAsync(args, colour);
    assert.equal(r.status, 1, `${what}: exit ${r.status}: ${r.stderr}`);
    assertPrintable(r.stderr, `${what} stderr`, colour);
    const text = assertPrintable(r.stdout, what, colour).replace(PICOCOLORS_SGR, "");
    assert.match(text, /tls-certificate-wrong-name \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  }
});

test("host: a listener's process name from /proc is printed as escapes", async (t) => {
  // PR_SET_NAME keeps 15 bytes: this title is 13.
  const title = "\u001b[2J\u001b]0;t\u0007<b>";
  const child = spawn(
    process.execPath,
    [
      "-e",
      `process.title = ${JSON.stringify(title)};
       const s = require("node:net").createServer().listen(0, "127.0.0.1", () => console.log(s.address().port));
       setTimeout(() => process.exit(0), ${PROBE_TIMEOUT_MS});`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  t.after(() => child.kill());
  const port = await new Promise<number>((resolve) => {
    child.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
  });
  for (const colour of ["pipe", "force-color"] as const) {
    const args = ["host", "--port", String(port)];
    const r = await wirewhyAsync(args, colour);
    const what = `wirewhy ${args.join(" ")} (${colour})`;
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    assertPrintable(r.stderr, `${what} stderr`, colour);
    const text = assertPrintable(r.stdout, what, colour).replace(PICOCOLORS_SGR, "");
    assert.ok(text.includes(String.raw`\x1b[2J\x1b]0;t\x07<b> (${child.pid})`), text);
  }
});
