/**
 * The compiled-template cache: a warm start loads nunjucks' generated code from the cache and
 * never runs the compiler; an unusable cache directory only costs speed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ENTRYPOINT, IS_ROOT, hasCommand } from '../helpers/cli';
import { templateScratch } from './fixture';

function counts(stderr: string): string {
  return /templates: rendered .*?; (\d+ compiled, \d+ from cache)/.exec(stderr)?.[1] ?? `no count in: ${stderr}`;
}

test('a warm start takes the compiled code from the cache, not from the compiler', () => {
  const s = templateScratch();
  s.template('a.conf', 'hello {{ V }}\n{% include "inc.j2" %}');
  s.include('inc.j2', 'included\n');
  let r = s.render({ env: { V: '1' }, extra: ['-v'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(counts(r.stderr), '2 compiled, 0 from cache');

  r = s.render({ env: { V: '2' }, extra: ['-v', '--force-render'] });
  assert.equal(counts(r.stderr), '0 compiled, 2 from cache');
  assert.equal(s.read('a.conf'), 'hello 2\nincluded\n');

  // Proof that the cached code is what runs: change it on disk (the template's own entry and
  // the bundle of all templates), and the output follows.
  const dir = join(s.C, 'templates');
  const entries = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes('hello '));
  assert.equal(entries.length, 2);
  for (const entry of entries) {
    const file = join(dir, entry);
    writeFileSync(file, readFileSync(file, 'utf8').split('hello ').join('HELLO FROM CACHE '));
  }
  r = s.render({ env: { V: '3' }, extra: ['--force-render'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('a.conf'), 'HELLO FROM CACHE 3\nincluded\n');

  // A changed template is a different key: compiled again.
  s.template('a.conf', 'bye {{ V }}\n');
  r = s.render({ env: { V: '4' }, extra: ['-v', '--force-render'] });
  assert.equal(counts(r.stderr), '1 compiled, 0 from cache');
  assert.equal(s.read('a.conf'), 'bye 4\n');
});

test('an unusable cache directory still renders (memory only)', () => {
  const s = templateScratch();
  s.template('a.conf', '{{ V }}\n');
  // World-writable: not trusted for code that PID 1 runs.
  mkdirSync(s.C);
  chmodSync(s.C, 0o777);
  let r = s.render({ env: { V: 'x' }, extra: ['-v'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('a.conf'), 'x\n');
  assert.equal(counts(r.stderr), '1 compiled, 0 from cache');
  assert.deepEqual(readdirSync(s.C), []);
  // A path that is a file.
  const file = join(s.dir, 'file');
  writeFileSync(file, '');
  r = s.render({ env: { V: 'y' }, extra: ['--cache-dir', file, '--force-render'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('a.conf'), 'y\n');
});

test('a read-only cache directory still works, and serves what it holds', { skip: !(IS_ROOT && hasCommand('unshare')) && 'needs root and unshare' }, () => {
  const s = templateScratch();
  s.template('a.conf', '{{ V }}\n');
  s.template('b.conf', 'b {{ V }}\n');
  let r = s.render({ env: { V: 'warm' }, extra: ['-t', s.T] });
  assert.equal(r.code, 0, r.stderr);
  s.template('b.conf', 'b changed {{ V }}\n');
  // Remount the cache read-only in a private mount namespace and render again.
  const script = `mount --bind "$C" "$C" && mount -o remount,ro,bind "$C" && exec "$EP" -v -t "$T" -o "$O" -j "$J" --cache-dir "$C" --force-render -- true`;
  const p = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
    env: { ...process.env, C: s.C, EP: ENTRYPOINT, T: s.T, O: s.O, J: s.J, V: 'ro' }, encoding: 'utf8',
  });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(counts(p.stderr), '1 compiled, 1 from cache');
  assert.equal(s.read('a.conf'), 'ro\n');
  assert.equal(s.read('b.conf'), 'b changed ro\n');
});
