/**
 * dist/entrypoint.cjs: loads the CLI bundle (dist/cli.cjs) with the V8 code cache that the
 * build made for it (a start then skips parsing and compiling: ~6 ms of ~45 measured). The
 * cache's name carries a hash of the bundle, so a cache never meets other code; a cache made
 * by another Node version, or with other V8 flags, is rejected by V8 and the bundle is simply
 * compiled as usual.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** Set by the build: the bundle's file name and its cache's. */
declare const PID1_BUNDLE: string;
declare const PID1_CODE_CACHE: string;

const file = join(__dirname, PID1_BUNDLE);
const cacheFile = join(__dirname, PID1_CODE_CACHE);
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // Not built (yet): compile as usual.
}
const source = readFileSync(file, 'utf8');
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
// The build runs one start with this set, so the cache also holds the functions a start compiles.
if (process.env.PID1_BUILD_CODE_CACHE === cacheFile) {
  delete process.env.PID1_BUILD_CODE_CACHE;
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
script.runInThisContext()(module.exports, require, module, file, __dirname);
