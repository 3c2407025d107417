/**
 * The progress bar's line (src/cli/progress.ts) on a clock the test moves: bytes of the files'
 * sizes when every size is known, packets and packets per second when one is not; redrawn at most
 * every PROGRESS_REDRAW_MS; erased only when something was drawn.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PROGRESS_REDRAW_MS, ProgressBar, progressWanted } from "./progress.ts";

function fixture(sizes: number[]) {
  let now = 1_000;
  const written: string[] = [];
  const bar = new ProgressBar(sizes, { write: (t) => written.push(t), columns: 100 }, () => now);
  return { bar, written, advance: (ms: number) => (now += ms) };
}

test("bytes of the files' sizes, files done, seconds", () => {
  const { bar, written, advance } = fixture([4 * 1024 * 1024, 4 * 1024 * 1024]);
  bar.draw(true);
  assert.deepEqual(written, [
    "\rwirewhy [................]   0% 0 B of 8.00 MiB · 0/2 files · 0.0 s\u001b[K",
  ]);
  advance(PROGRESS_REDRAW_MS - 1);
  bar.update(0, 4096, 2 * 1024 * 1024);
  assert.equal(written.length, 1, "not redrawn within 100 ms");
  advance(1);
  bar.update(1, 4096, 1024 * 1024);
  assert.equal(
    written[1],
    "\rwirewhy [######..........]  37% 3.00 MiB of 8.00 MiB · 0/2 files · 0.1 s\u001b[K",
  );
  advance(400);
  bar.finish(0, 5000);
  // A finished file counts whole, whatever its last progress said.
  assert.equal(
    written[2],
    "\rwirewhy [##########......]  62% 5.00 MiB of 8.00 MiB · 1/2 files · 0.5 s\u001b[K",
  );
  bar.clear();
  assert.equal(written[3], "\r\u001b[K");
  bar.clear();
  assert.equal(written.length, 4, "nothing to erase twice");
});

test("an unknown size (a pipe, gzip): packets and packets per second", () => {
  const { bar, written, advance } = fixture([Number.NaN]);
  advance(2_000);
  bar.update(0, 1_228_800, 99_000_000);
  assert.deepEqual(written, ["\rwirewhy 1,228,800 packets · 614,400 packets/s · 2.0 s\u001b[K"]);
});

test("a narrow terminal cuts the line; one that says no width gets 80 columns", () => {
  let now = 0;
  const written: string[] = [];
  new ProgressBar([100], { write: (t) => written.push(t), columns: 30 }, () => now).draw(true);
  assert.equal(written[0], "\rwirewhy [................]   \u001b[K");
  now = 0;
  new ProgressBar([100], { write: (t) => written.push(t), columns: 0 }, () => now).draw(true);
  assert.equal(written[1], "\rwirewhy [................]   0% 0 B of 100 B · 0.0 s\u001b[K");
});

test("drawn on a terminal only, unless WIREWHY_PROGRESS says", () => {
  const saved = process.env.WIREWHY_PROGRESS;
  try {
    delete process.env.WIREWHY_PROGRESS;
    assert.equal(progressWanted(undefined, { isTTY: true }), true);
    assert.equal(progressWanted(undefined, { isTTY: false }), false);
    assert.equal(progressWanted(false, { isTTY: true }), false);
    process.env.WIREWHY_PROGRESS = "1";
    assert.equal(progressWanted(undefined, { isTTY: false }), true);
    process.env.WIREWHY_PROGRESS = "0";
    assert.equal(progressWanted(undefined, { isTTY: true }), false);
  } finally {
    if (saved === undefined) delete process.env.WIREWHY_PROGRESS;
    else process.env.WIREWHY_PROGRESS = saved;
  }
});
