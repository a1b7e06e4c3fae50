#!/usr/bin/env node
// Runs every benchmark of test/bench/ that exists, one after another (they would disturb each
// other's timings if run at once), and passes their tables through.
//   npm run bench            (builds first)
//   node test/bench/run.mjs [NAME...]   NAME: init, templates, hooks (default: all present)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const ALL = ['init', 'templates', 'hooks'];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  process.exit(2);
}
const files = (wanted.length ? wanted : ALL).map((n) => join(here, `${n}.mjs`)).filter(existsSync);
if (files.length === 0) {
  console.error('bench: no benchmark file found in test/bench/');
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n# ${file.slice(here.length)}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${file.slice(here.length)} failed (${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
