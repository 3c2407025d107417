// Runs the one-file CommonJS bundle of the CLI (scripts/bundle-cli.ts) from V8's code cache: the
// bytecode of every function a typical run compiles, written at build time next to the bundle
// (`<bundle>.cache`). Starting from it skips parsing and compiling ~840 KB of JavaScript, about 30
// ms of every command (Node 20 has no module.enableCompileCache). A cache V8 rejects (Node was
// upgraded, other V8 flags) or a missing one is written anew when that run exits, if the
// directory can be written: the next run starts from it.
//
//   node bin/load-bundle.cjs --write-cache BUNDLE ARGS...   runs ARGS and writes BUNDLE.cache
"use strict";
const { accessSync, constants, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, resolve } = require("node:path");
const { Script } = require("node:vm");

/** The bundle compiled as a CommonJS module's function, from `cachedData` when V8 takes it. */
function bundleScript(bundle, cachedData) {
  const source = readFileSync(bundle, "utf8");
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new Script(wrapped, { filename: bundle, cachedData });
}

/** Runs `file` as the CLI; with writeCache, (re)writes its code cache when the process exits. */
function runBundle(file, writeCache = false) {
  const bundle = resolve(file);
  const cacheFile = `${bundle}.cache`;
  let cachedData;
  if (!writeCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = bundleScript(bundle, cachedData);
  // The build's run (writeCache: no cache read) and a run whose cache was missing or rejected.
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the run: the cache then holds the functions the run compiled, not only the top level.
    process.once("exit", () => saveCache(script, cacheFile, writeCache));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/**
 * Writes the cache through a temporary file and a rename, so that a run starting meanwhile reads
 * the old file or the new one, never half of one. Only the build insists: a user's run that cannot
 * write (a read-only install) just goes on without.
 */
function saveCache(script, cacheFile, insist) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    // Before serializing ~500 KB for nothing: can the directory be written at all?
    accessSync(dirname(cacheFile), constants.W_OK);
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
  } catch (error) {
    if (insist) throw error;
  }
}

module.exports = { bundleScript, runBundle };

if (require.main === module && process.argv[2] === "--write-cache") {
  const bundle = process.argv[3];
  // The CLI reads its arguments from process.argv[2...].
  process.argv.splice(2, 2);
  runBundle(bundle, true);
}
