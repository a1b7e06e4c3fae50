/**
 * What a hostile or broken tree must not achieve: partial output, stray temp files, writes or
 * reads outside the roots through symlinks or `..`, writing through a dangling symlink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, listTree, templateScratch } from './fixture';

test('a render error writes nothing: no partial file, no temp file, no new directory', () => {
  const s = templateScratch();
  for (const n of [1, 2, 3, 4]) s.template(`d${n}/ok${n}.conf`, `fine ${n}\n`);
  s.template('d5/bad.conf', 'line one\n{{ UNDEFINED_FIFTH }}\n');
  const r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /template .*d5\/bad\.conf:2:4: 'UNDEFINED_FIFTH' is undefined/);
  assert.deepEqual(listTree(s.O), []);
});

test('a failing --force-render keeps the old file intact', () => {
  const s = templateScratch();
  s.template('app.conf', 'new {{ NOPE }}\n');
  mkdirSync(s.O);
  writeFileSync(join(s.O, 'app.conf'), 'old\n');
  const r = s.render({ extra: ['--force-render'] });
  assert.equal(r.code, 1);
  assert.equal(readFileSync(join(s.O, 'app.conf'), 'utf8'), 'old\n');
  assert.deepEqual(listTree(s.O), ['app.conf']);
});

test('the command does not start when a template fails', () => {
  const s = templateScratch();
  s.template('x', '{{ MISSING }}');
  const marker = join(s.dir, 'started');
  const r = s.render({ command: ['touch', marker] });
  assert.equal(r.code, 1);
  assert.equal(existsSync(marker), false);
});

test('a symlink in the templates tree pointing outside it is refused', () => {
  const s = templateScratch();
  const secret = join(s.dir, 'secret');
  writeFileSync(secret, 'root password\n');
  s.template('ok', 'ok\n');
  symlinkSync(secret, join(s.T, 'leak'));
  const r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /template .*T\/leak is a symlink to .*secret, outside the templates directory/);
  assert.deepEqual(listTree(s.O), []);
});

test('a symlink to a file inside the templates tree is rendered', () => {
  const s = templateScratch();
  s.template('real.conf', 'v={{ V }}\n');
  symlinkSync('real.conf', join(s.T, 'alias.conf'));
  const r = s.render({ env: { V: '7' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('alias.conf'), 'v=7\n');
  assert.equal(lstatSync(join(s.O, 'alias.conf')).isSymbolicLink(), false);
});

test('a symlinked directory in the destination leading out of the output root is refused', () => {
  const s = templateScratch();
  const outside = join(s.dir, 'outside');
  mkdirSync(outside);
  mkdirSync(s.O);
  symlinkSync(outside, join(s.O, 'etc'));
  s.template('etc/passwd', 'pwned\n');
  const r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /output .*O\/etc leads to .*outside, outside the output directory/);
  assert.deepEqual(listTree(outside), []);
});

test('a dangling symlink at the destination is never written through', () => {
  const s = templateScratch();
  const target = join(s.dir, 'target-that-does-not-exist');
  mkdirSync(s.O);
  symlinkSync(target, join(s.O, 'app.conf'));
  s.template('app.conf', 'x\n');
  let r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /output .*app\.conf is a dangling symlink: not writing through it/);
  assert.equal(existsSync(target), false);
  // --force-render replaces the link itself.
  r = s.render({ extra: ['--force-render'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(target), false);
  assert.equal(lstatSync(join(s.O, 'app.conf')).isFile(), true);
  assert.equal(s.read('app.conf'), 'x\n');
});

test('a destination symlink to an existing file counts as existing (mounted config)', () => {
  const s = templateScratch();
  const mounted = join(s.dir, 'mounted.conf');
  writeFileSync(mounted, 'from the volume\n');
  mkdirSync(s.O);
  symlinkSync(mounted, join(s.O, 'app.conf'));
  s.template('app.conf', 'template\n');
  const r = s.render();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /already exists/);
  assert.equal(readFileSync(mounted, 'utf8'), 'from the volume\n');
  assert.equal(readlinkSync(join(s.O, 'app.conf')), mounted);
});

test('includes cannot climb out of their roots', () => {
  const s = templateScratch();
  writeFileSync(join(s.dir, 'secret'), 'root password\n');
  s.template('a.conf', '{% include "../secret" %}');
  let r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /template name '\.\.\/secret' escapes its root directory/);
  assert.equal(s.exists('a.conf'), false);

  const t = templateScratch();
  mkdirSync(t.J);
  symlinkSync(join(t.dir, 'secret'), join(t.J, 'link.j2'));
  writeFileSync(join(t.dir, 'secret'), 'root password\n');
  t.template('b.conf', '{% include "link.j2" %}');
  r = t.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /J\/link\.j2 resolves to .*secret, outside .*J/);
});

test('a jinja dir inside the templates dir is refused before anything runs', () => {
  const s = templateScratch();
  s.template('inc/x.j2', 'x');
  s.template('a', '{% include "x.j2" %}');
  const marker = join(s.dir, 'started');
  for (const jinja of [join(s.T, 'inc'), s.T]) {
    const r = s.render({ extra: ['-j', jinja], command: ['touch', marker] });
    assert.equal(r.code, 2);
    assert.match(errorLine(r.stderr), /--jinja .* is inside --templates/);
  }
  assert.equal(existsSync(marker), false);
  assert.deepEqual(listTree(s.O), []);
});
