/**
 * `npm run bench -- --suite busy` (issue 17): wirewhy on captures of busy servers and floods,
 * against tshark's conversation table and tcpdump in the same run:
 *
 * - busy: real loopback HTTP recorded by make-capture.ts with half of the clients sending
 *   `Connection: close` and no large downloads (~60 K connections per GB);
 * - short-conns, syn-flood, pipelined: the synthetic captures of make-floods.ts (500 K short
 *   connections, 2 M unanswered SYNs, 1 M pipelined requests on one connection).
 *
 * Every command runs under a time limit (--timeout, default 300 s), so a pathological case is
 * reported as "did not finish" instead of hanging the run; a command that fails is reported too.
 * Each timed run follows an untimed read of the file (see timing.ts). The issue's targets are
 * printed as ok/MISS; a missed target never fails the run (they are benchmarks, not tests).
 *
 * Usage: npm run bench -- --suite busy [--repeat N] [--timeout SEC] [--scale F] [--busy-mb N]
 *          [--only busy,short-conns,syn-flood,pipelined]
 *   --repeat: rounds (default 1; the median time and the largest peak RSS are reported)
 *   --scale: a share of the floods' counts (default 1; 0.1 for a quick check of the bench)
 *   --busy-mb: the size the busy capture is recorded at when missing (default 1000)
 */
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { flagValue, positiveCount } from "./args.ts";
import { makeCaptureInNamespace } from "./make-capture.ts";
import { FLOODS, floodPath, makeFlood } from "./make-floods.ts";
import { type BoundedTiming, median, timeCommandBounded } from "./timing.ts";

const TSHARK = "tshark -z conv,tcp";

interface Target {
  row: string;
  /** At least this many × tshark -z conv,tcp's speed (the median of the rounds' ratios). */
  timesTshark?: number;
  maxSeconds?: number;
  maxRssMB?: number;
}

interface Suite {
  name: string;
  path: string;
  /** What the capture holds, for the table's heading. */
  what: string;
  exchanges: boolean;
  targets: Target[];
}

/** Issue 17's targets for the floods: a full report in < 300 MB, in time linear in packets. */
const floodTargets = (maxSeconds: number): Target[] => [
  { row: "wirewhy analyze", maxSeconds, maxRssMB: 300 },
  { row: "wirewhy conns --json", maxSeconds, maxRssMB: 300 },
];

interface Row {
  name: string;
  argv: string[];
  runs: BoundedTiming[];
}

export async function runBusySuite(args: string[]): Promise<void> {
  const repeat = positiveCount(flagValue(args, "--repeat") ?? "1", "--repeat");
  const timeoutSec = positiveCount(flagValue(args, "--timeout") ?? "300", "--timeout");
  const scale = Number(flagValue(args, "--scale") ?? "1");
  if (!(scale > 0 && scale <= 1)) {
    console.error(`bench: --scale must be in (0, 1] (got "${flagValue(args, "--scale")}")`);
    process.exit(2);
  }
  const busyMB = positiveCount(flagValue(args, "--busy-mb") ?? "1000", "--busy-mb");
  const only = flagValue(args, "--only")?.split(",");
  const dir = "bench/data";
  const busyPath = join(dir, busyMB === 1000 ? "busy-http.pcap" : `busy-http-${busyMB}mb.pcap`);

  const flood = (name: string) => FLOODS.find((f) => f.name === name)!;
  const counted = (name: string) =>
    Math.max(1, Math.round(flood(name).count * scale)).toLocaleString("en-US");
  const suites: Suite[] = [
    {
      name: "busy",
      path: busyPath,
      what: "a busy Node HTTP server on loopback, half of its clients `Connection: close`",
      exchanges: true,
      targets: [
        { row: "wirewhy analyze", timesTshark: 8, maxRssMB: 300 },
        { row: "wirewhy conns --json", timesTshark: 10 },
        { row: "wirewhy exchanges --json", timesTshark: 10 },
      ],
    },
    {
      name: "short-conns",
      path: floodPath(dir, "short-conns", scale),
      what: `${counted("short-conns")} short HTTP connections`,
      exchanges: true,
      targets: floodTargets(15 * scale),
    },
    {
      name: "syn-flood",
      path: floodPath(dir, "syn-flood", scale),
      what: `${counted("syn-flood")} SYNs from distinct ports, unanswered`,
      exchanges: false,
      targets: floodTargets(10 * scale),
    },
    {
      name: "pipelined",
      path: floodPath(dir, "pipelined", scale),
      what: `${counted("pipelined")} pipelined requests on one connection`,
      exchanges: true,
      targets: floodTargets(10 * scale),
    },
  ].filter((s) => !only || only.includes(s.name));

  for (const s of suites) {
    if (existsSync(s.path)) continue;
    if (s.name === "busy") {
      console.error(`bench: recording ${s.path} (${busyMB} MB of busy-server loopback HTTP)…`);
      await makeCaptureInNamespace(s.path, busyMB * 1e6, { closeShare: 0.5, mix: "busy" });
    } else {
      makeFlood(flood(s.name), dir, scale);
    }
  }
  console.error("bench: building dist/ …");
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit" });
  // bin/wirewhy.js runs the source through tsx in a checkout; time the compiled code instead.
  const env = { ...process.env, WIREWHY_DIST: "1" };
  const wirewhy = ["node", "bin/wirewhy.js"];
  const tsharkOut = join(tmpdir(), `wirewhy-bench-${process.pid}.conv`);
  process.once("exit", () => rmSync(tsharkOut, { force: true }));

  const markdown: string[] = [
    "| capture | command | wall time | CPU time | peak RSS | vs tshark (wall) | (CPU) |",
    "|---|---|---|---|---|---|---|",
  ];
  const captures: string[] = [];
  const verdicts: string[] = [];
  for (const s of suites) {
    const sizeBytes = statSync(s.path).size;
    const info = JSON.parse(
      execFileSync("node", ["bin/wirewhy.js", "info", "--json", s.path], {
        maxBuffer: 1e8,
        env,
      }).toString(),
    );
    const packets: number = info.packets;
    const rows: Row[] = [
      { name: "wirewhy analyze", argv: [...wirewhy, "analyze", s.path], runs: [] },
      { name: "wirewhy conns --json", argv: [...wirewhy, "conns", "--json", s.path], runs: [] },
      ...(s.exchanges
        ? [
            {
              name: "wirewhy exchanges --json",
              argv: [...wirewhy, "exchanges", "--json", s.path],
              runs: [],
            },
          ]
        : []),
      { name: TSHARK, argv: ["tshark", "-r", s.path, "-q", "-z", "conv,tcp"], runs: [] },
      {
        name: "tcpdump -r -w /dev/null",
        argv: ["tcpdump", "-r", s.path, "-w", "/dev/null"],
        runs: [],
      },
    ];
    let conversations: number | undefined;
    const loadBefore = loadavg()[0]!.toFixed(1);
    for (let round = 0; round < repeat; round++) {
      for (const row of rows) {
        console.error(`bench: ${s.name}: ${row.name} (round ${round + 1} of ${repeat})…`);
        const isTshark = row.name === TSHARK;
        const t = timeCommandBounded(
          s.path,
          row.argv,
          timeoutSec,
          env,
          isTshark ? tsharkOut : "/dev/null",
        );
        row.runs.push(t);
        if (t.outcome === "failed") {
          console.error(`bench: ${s.name}: ${row.name} failed (${t.status}): ${t.stderr}`);
        }
        if (isTshark && t.outcome === "ok" && conversations === undefined) {
          conversations = await countLines(tsharkOut, "<->");
        }
      }
    }

    const tshark = rows.find((r) => r.name === TSHARK)!;
    const ok = (r: Row) => r.runs.every((t) => t.outcome === "ok");
    const sec = (r: Row) => (ok(r) ? median(r.runs.map((t) => t.seconds)) : undefined);
    const cpu = (r: Row) => (ok(r) ? median(r.runs.map((t) => t.cpuSeconds)) : undefined);
    const rss = (r: Row) => Math.max(...r.runs.map((t) => t.rssMB));
    /** tshark's time over the row's, round by round (wall time, or CPU time with `onCpu`). */
    const ratioRounds = (r: Row, onCpu = false) =>
      r.runs.map((t, i) => {
        const other = tshark.runs[i]!;
        const mine = onCpu ? t.cpuSeconds : t.seconds;
        const theirs = onCpu ? other.cpuSeconds : other.seconds;
        return t.outcome === "ok" && other.outcome === "ok" && mine > 0 ? theirs / mine : undefined;
      });
    const ratio = (r: Row, onCpu = false) => {
      const rounds = ratioRounds(r, onCpu);
      return rounds.every((x) => x !== undefined) ? median(rounds as number[]) : undefined;
    };
    const outcome = (r: Row) => {
      const bad = r.runs.find((t) => t.outcome !== "ok");
      if (!bad) return undefined;
      return bad.outcome === "timeout"
        ? `did not finish in ${timeoutSec} s`
        : `failed after ${bad.seconds.toFixed(0)} s (exit ${bad.status}${firstLine(bad.stderr)})`;
    };
    const times = (x: number | undefined) =>
      x === undefined ? "–" : `${x.toFixed(x >= 10 ? 0 : 1)}×`;

    const load = loadavg()[0]!.toFixed(1);
    const heading = `${s.name}: ${s.path}, ${(sizeBytes / 1e6).toFixed(0)} MB, ${packets.toLocaleString("en-US")} packets${conversations !== undefined ? `, ${conversations.toLocaleString("en-US")} TCP conversations (tshark)` : ""}; ${s.what}; median of ${repeat} round${repeat > 1 ? "s" : ""}; load average ${loadBefore} before, ${load} after`;
    console.log(`\n${heading}\n`);
    console.log(
      `${"command".padEnd(26)}${"seconds".padStart(9)}${"CPU s".padStart(8)}${"packets/s".padStart(12)}${"peak RSS".padStart(10)}${"vs tshark".padStart(11)}${"(CPU)".padStart(7)}`,
    );
    for (const r of rows) {
      const seconds = sec(r);
      const self = r === tshark;
      const line =
        seconds === undefined
          ? `${r.name.padEnd(26)}  ${outcome(r)}, peak RSS ${rss(r).toFixed(0)} MB`
          : `${r.name.padEnd(26)}${seconds.toFixed(2).padStart(9)}${cpu(r)!.toFixed(2).padStart(8)}${(seconds > 0 ? Math.round(packets / seconds).toLocaleString("en-US") : "–").padStart(12)}${`${rss(r).toFixed(0)} MB`.padStart(10)}${(self ? "" : times(ratio(r))).padStart(11)}${(self ? "" : times(ratio(r, true))).padStart(7)}`;
      console.log(line);
      markdown.push(
        `| ${s.name} | \`${r.name}\` | ${seconds === undefined ? (outcome(r) ?? "") : `${seconds.toFixed(2)} s`} | ${cpu(r) === undefined ? "" : `${cpu(r)!.toFixed(2)} s`} | ${rss(r).toFixed(0)} MB | ${self ? "" : times(ratio(r))} | ${self ? "" : times(ratio(r, true))} |`,
      );
    }
    captures.push(
      `- ${s.name}: ${(sizeBytes / 1e6).toFixed(0)} MB, ${packets.toLocaleString("en-US")} packets${conversations !== undefined ? `, ${conversations.toLocaleString("en-US")} TCP conversations` : ""} (${s.what}); load average ${loadBefore} before, ${load} after`,
    );

    console.log(
      `\ntargets (issue 17${scale < 1 && s.name !== "busy" ? `, time limits scaled ×${scale}` : ""}; reported, never failing the run):`,
    );
    for (const t of s.targets) {
      const r = rows.find((x) => x.name === t.row);
      if (!r) continue;
      const checks: Array<[string, boolean]> = [];
      const failedHow = outcome(r);
      if (t.timesTshark !== undefined) {
        const x = ratio(r);
        const rounds = ratioRounds(r).filter((v) => v !== undefined) as number[];
        const range =
          rounds.length > 1
            ? `; rounds ${Math.min(...rounds).toFixed(1)}-${Math.max(...rounds).toFixed(1)}`
            : "";
        checks.push([
          `>= ${t.timesTshark}× ${TSHARK} (got ${x === undefined ? (failedHow ?? outcome(tshark) ?? "–") : `${x.toFixed(1)}×${range}; ${times(ratio(r, true))} in CPU time`})`,
          x !== undefined && x >= t.timesTshark,
        ]);
      }
      if (t.maxSeconds !== undefined) {
        const seconds = sec(r);
        const limit = t.maxSeconds >= 1 ? t.maxSeconds.toFixed(0) : t.maxSeconds.toFixed(2);
        checks.push([
          `<= ${limit} s (got ${seconds === undefined ? failedHow : `${seconds.toFixed(2)} s`})`,
          seconds !== undefined && seconds <= t.maxSeconds,
        ]);
      }
      if (t.maxRssMB !== undefined) {
        const mb = rss(r);
        checks.push([
          `peak RSS < ${t.maxRssMB} MB (got ${mb.toFixed(0)}${failedHow ? `, ${failedHow}` : ""})`,
          failedHow === undefined && mb < t.maxRssMB,
        ]);
      }
      for (const [what, ok] of checks) {
        const line = `  ${ok ? "ok  " : "MISS"} ${s.name}: ${t.row}: ${what}`;
        console.log(line);
        verdicts.push(line);
      }
    }
  }
  if (suites.length > 1) {
    console.log("\nall targets:");
    for (const v of verdicts) console.log(v);
  }
  console.log(`\n${captures.join("\n")}\n\n${markdown.join("\n")}`);
}

/** Lines of `path` that contain `needle`, read as a stream (tshark's table can be large). */
async function countLines(path: string, needle: string): Promise<number> {
  let n = 0;
  let tail = "";
  for await (const chunk of createReadStream(path, { encoding: "latin1" })) {
    const lines = (tail + chunk).split("\n");
    tail = lines.pop()!;
    for (const line of lines) if (line.includes(needle)) n++;
  }
  if (tail.includes(needle)) n++;
  return n;
}

/** ": " and the reason in a command's error output (its first line), or "". */
function firstLine(stderr: string): string {
  const lines = stderr.split("\n");
  // V8's out-of-memory report starts with its last GCs; its reason is the FATAL ERROR line.
  const line = (lines.find((l) => l.startsWith("FATAL ERROR: ")) ?? lines.find((l) => l.trim()))
    ?.replace(/^FATAL ERROR: /, "")
    .replace(/^wirewhy: (internal error: )?/, "")
    .trim();
  return line ? `: ${line.slice(0, 80)}` : "";
}
