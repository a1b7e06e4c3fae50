import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { run } from '../helpers/cli';
import { dumpHook, errorLines, readJson, scratch } from './fixture';

function withDump(s: ReturnType<typeof scratch>): string[] {
  s.file('hooks/dump.ts', dumpHook(s.path('vars.json')), 0o644);
  return [...s.cacheArgs, '-H', s.path('hooks')];
}

test('the environment beats the YAML file, key by key; YAML values stay out of the child env', () => {
  const s = scratch();
  const yml = s.file('variables.yml', 'NAME: from-yaml\nPORT: 8080\nNESTED:\n  a: 1\nLIST: [1, 2]\nONLY_YAML: true\n');
  const r = run([...withDump(s), '-V', yml, '--', 'sh', '-c', 'echo "$NAME ${ONLY_YAML-unset}"'], { env: { NAME: 'from-env', NESTED: 'flat' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'from-env unset\n');
  const vars = readJson(s.path('vars.json'));
  assert.equal(vars.NAME, 'from-env');
  assert.equal(vars.PORT, 8080);
  assert.equal(vars.NESTED, 'flat');
  assert.deepEqual(vars.LIST, [1, 2]);
  assert.equal(vars.ONLY_YAML, true);
});

test('an empty YAML file, and the default file absent, give no variables', () => {
  const s = scratch();
  const empty = s.file('empty.yml', '');
  const comments = s.file('comments.yml', '# nothing here yet\n');
  for (const args of [['-V', empty], ['-V', comments], []]) {
    const r = run([...withDump(s), ...args, '--', 'true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(s.path('vars.json')).NESTED, undefined);
  }
});

test('bad YAML: exit 1 with file:line:column and the parser\'s reason, before the command', () => {
  const s = scratch();
  const bad = s.file('bad.yml', 'ok: 1\nlist:\n  - a\n  b: [\n');
  const r = run([...s.cacheArgs, '-V', bad, '--', 'sh', '-c', 'echo started']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = errorLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^\\[entrypoint\\] error: ${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: \\S`));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a variables path that is a directory says so (Docker made it for a missing bind mount)', () => {
  const s = scratch();
  mkdirSync(s.path('variables.yml'));
  const r = run([...s.cacheArgs, '-V', s.path('variables.yml'), '--', 'true']);
  assert.equal(r.code, 1);
  assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: variables file ${s.path('variables.yml')}: is a directory, not a file (was the file missing when it was bind-mounted?)`]);
});

test('a top-level list or scalar is refused: it must be a mapping', () => {
  const s = scratch();
  for (const [text, what] of [['- a\n- b\n', 'a list'], ['just text\n', 'a string']] as const) {
    const f = s.file('v.yml', text);
    const r = run([...s.cacheArgs, '-V', f, '--', 'true']);
    assert.equal(r.code, 1);
    assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: variables file ${f}: must be a mapping of names to values, not ${what}`]);
  }
});

test('a variables path that was asked for but is missing is an error', () => {
  const s = scratch();
  const r = run([...s.cacheArgs, '-V', s.path('nope.yml'), '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: variables file .*nope\.yml: no such file/);
});
