#!/usr/bin/env node
// Builds the TypeScript tests with esbuild and runs them with node's test runner.
//   node test/run.mjs [AREA...]     AREA: a folder under test/ (default: all but e2e and bench)
// Tests are black-box where behaviour is visible: they drive the built CLI (npm run build first).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const testDir = join(root, 'test');
// One output folder per run: several runs may share the tree at once.
const outDir = join(root, 'dist', `test-${process.pid}`);
const skipByDefault = new Set(['e2e', 'bench', 'helpers', 'fixtures']);
const areas = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      out.push(...findTests(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const dirs = areas.length
  ? areas.map((a) => join(testDir, a))
  : readdirSync(testDir).filter((n) => !skipByDefault.has(n) && statSync(join(testDir, n)).isDirectory()).map((n) => join(testDir, n));
const entryPoints = dirs.flatMap(findTests);
if (entryPoints.length === 0) {
  console.error(`no tests found in ${dirs.map((d) => relative(root, d)).join(', ')}`);
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: outDir,
  outbase: testDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const files = entryPoints.map((p) => join(outDir, relative(testDir, p)).replace(/\.ts$/, '.cjs'));
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// A test that hangs fails after 3 minutes instead of holding CI until its own limit.
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...files], { stdio: 'inherit' });
rmSync(outDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
