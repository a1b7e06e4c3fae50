/**
 * The template tree → output tree mapping: names kept exactly, every directory mirrored (empty
 * ones too), owners and modes copied to new files and directories, existing destinations kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ENTRYPOINT, IS_ROOT, hasCommand, run } from '../helpers/cli';
import { errorLine, listTree, templateScratch } from './fixture';

test('a nested tree renders to the same paths, empty directories included', () => {
  const s = templateScratch();
  s.template('etc/nginx/nginx.conf', 'listen {{ PORT }};\n');
  s.template('etc/app.conf.j2', 'name={{ NAME }}\n');
  s.template('.hidden', 'dot\n');
  mkdirSync(join(s.T, 'var/empty'), { recursive: true });
  const r = s.render({ env: { PORT: '8080', NAME: 'web' } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(listTree(s.O), ['.hidden', 'etc', 'etc/app.conf.j2', 'etc/nginx', 'etc/nginx/nginx.conf', 'var', 'var/empty']);
  assert.equal(s.read('etc/nginx/nginx.conf'), 'listen 8080;\n', 'trailing newline kept');
  assert.equal(s.read('etc/app.conf.j2'), 'name=web\n', 'no suffix is stripped');
});

test('files and new directories get the template modes, whatever the umask', () => {
  const s = templateScratch();
  s.template('bin/run.sh', '#!/bin/sh\n', 0o755);
  s.template('secret/key', 'k\n', 0o600);
  s.template('shared', 'x\n', 0o664);
  chmodSync(join(s.T, 'secret'), 0o750);
  chmodSync(join(s.T, 'bin'), 0o711);
  const r = s.render();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.mode(join(s.O, 'bin/run.sh')), 0o755);
  assert.equal(s.mode(join(s.O, 'secret/key')), 0o600);
  assert.equal(s.mode(join(s.O, 'shared')), 0o664, 'umask 022 must not apply');
  assert.equal(s.mode(join(s.O, 'secret')), 0o750);
  assert.equal(s.mode(join(s.O, 'bin')), 0o711);
});

test('a world-writable template or include is refused: nunjucks is no sandbox', () => {
  const s = templateScratch();
  s.template('a.conf', 'a\n', 0o666);
  let r = s.render();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /template \S+a\.conf is world-writable \(mode 0666\)/);
  assert.deepEqual(listTree(s.O), []);
  const t = templateScratch();
  t.template('b.conf', '{% include "inc.j2" %}');
  t.include('inc.j2', 'x\n');
  chmodSync(join(t.J, 'inc.j2'), 0o666);
  r = t.render();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /template \S+inc\.j2 is world-writable/);
});

test('a missing output root is created with the templates root mode', () => {
  const s = templateScratch();
  chmodSync(s.T, 0o751);
  s.template('a', 'a\n');
  const r = s.render();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.mode(s.O), 0o751);
});

test('existing directories are left alone', () => {
  const s = templateScratch();
  s.template('etc/app.conf', 'x\n');
  chmodSync(join(s.T, 'etc'), 0o755);
  mkdirSync(join(s.O, 'etc'), { recursive: true });
  chmodSync(join(s.O, 'etc'), 0o700);
  const r = s.render();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.mode(join(s.O, 'etc')), 0o700);
  assert.equal(s.read('etc/app.conf'), 'x\n');
});

test('owners are copied to files and new directories (root)', { skip: !IS_ROOT && 'needs root' }, () => {
  const s = templateScratch();
  s.template('home/app/config', 'c\n', 0o640);
  chownSync(join(s.T, 'home/app/config'), 1234, 2345);
  chownSync(join(s.T, 'home/app'), 1234, 1234);
  const r = s.render();
  assert.equal(r.code, 0, r.stderr);
  const file = statSync(join(s.O, 'home/app/config'));
  assert.deepEqual([file.uid, file.gid, file.mode & 0o7777], [1234, 2345, 0o640]);
  const dir = statSync(join(s.O, 'home/app'));
  assert.deepEqual([dir.uid, dir.gid], [1234, 1234]);
  assert.equal(statSync(join(s.O, 'home')).uid, 0);
});

test('an existing destination is kept with a warning; --force-render replaces it', () => {
  const s = templateScratch();
  s.template('app.conf', 'new {{ V }}\n');
  s.template('other.conf', 'other\n');
  mkdirSync(s.O);
  writeFileSync(join(s.O, 'app.conf'), 'mounted\n');
  let r = s.render({ env: { V: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('app.conf'), 'mounted\n');
  assert.equal(s.read('other.conf'), 'other\n');
  assert.match(r.stderr, /warning: .*app\.conf already exists: not rendering template/);
  // A restarted container does not re-render either.
  writeFileSync(join(s.O, 'other.conf'), 'edited\n');
  r = s.render({ env: { V: '2' } });
  assert.equal(s.read('other.conf'), 'edited\n');
  r = s.render({ env: { V: '3' }, extra: ['--force-render'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('app.conf'), 'new 3\n');
  assert.equal(s.read('other.conf'), 'other\n');
  assert.doesNotMatch(r.stderr, /warning/);
});

test('a missing templates directory is nothing to do', () => {
  const s = templateScratch();
  const r = s.render({ extra: ['-t', join(s.dir, 'nope'), '-v'], command: ['echo', 'ran'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ran\n');
  assert.match(r.stderr, /templates: .*nope does not exist; nothing to render/);
  assert.equal(errorLine(r.stderr), '');
});

test('the options work from the environment too', () => {
  const s = templateScratch();
  s.template('f', '{{ X }}\n');
  const out = join(s.dir, 'elsewhere');
  const r = run(['--cache-dir', s.C, '--', 'true'], { env: { X: 'env', ENTRYPOINT_TEMPLATES: s.T, ENTRYPOINT_OUTPUT: out, ENTRYPOINT_JINJA: '' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(out, 'f'), 'utf8'), 'env\n');
});

test('as non-root, owners are not copied and that is not an error', { skip: !(IS_ROOT && hasCommand('setpriv')) && 'needs root and setpriv' }, () => {
  const s = templateScratch();
  s.template('etc/app.conf', 'user {{ V }}\n', 0o644);
  chownSync(join(s.T, 'etc/app.conf'), 0, 0);
  mkdirSync(s.O);
  chownSync(s.O, 1234, 1234);
  chmodSync(s.dir, 0o755);
  const r = spawnSync('setpriv', ['--reuid', '1234', '--regid', '1234', '--clear-groups', ENTRYPOINT, '-t', s.T, '-o', s.O, '-j', s.J, '--cache-dir', '', '--', 'true'], {
    env: { ...process.env, V: 'v' }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const st = statSync(join(s.O, 'etc/app.conf'));
  assert.deepEqual([st.uid, st.mode & 0o7777], [1234, 0o644]);
  assert.equal(readFileSync(join(s.O, 'etc/app.conf'), 'utf8'), 'user v\n');
});

test('an output directory that is the templates directory is refused', () => {
  const s = templateScratch();
  s.template('a', 'a\n');
  const r = s.render({ extra: ['-o', s.T, '--force-render'] });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--output .* is the templates directory/);
  assert.equal(readFileSync(join(s.T, 'a'), 'utf8'), 'a\n');
});
