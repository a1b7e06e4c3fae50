import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { IS_ROOT, run } from '../helpers/cli';
import { errorLines, scratch } from './fixture';

const show = (...names: string[]) => ['--', 'sh', '-c', names.map((n) => `echo "${n}=\${${n}-<unset>}"`).join('; ')];

test('.env files: later file wins, the environment wins over both', () => {
  const s = scratch();
  const a = s.file('a.env', 'A=from-a\nB=from-a\nexport C="quoted # not a comment"\nFROM_ENV=from-file\n');
  const b = s.file('b.env', '# comment\nB=from-b\n');
  const r = run([...s.cacheArgs, '--env-file', a, '--env-file', b, ...show('A', 'B', 'C', 'FROM_ENV')], { env: { FROM_ENV: 'real' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'A=from-a\nB=from-b\nC=quoted # not a comment\nFROM_ENV=real\n');
});

test('--env-override lets files replace the environment', () => {
  const s = scratch();
  const a = s.file('a.env', 'FROM_ENV=from-file\n');
  const r = run([...s.cacheArgs, '--env-file', a, '--env-override', ...show('FROM_ENV')], { env: { FROM_ENV: 'real' } });
  assert.equal(r.stdout, 'FROM_ENV=from-file\n', r.stderr);
  // The same through the environment variables a Kubernetes manifest would set.
  const e = run([...s.cacheArgs, ...show('FROM_ENV')], { env: { FROM_ENV: 'real', ENTRYPOINT_ENV_FILE: a, ENTRYPOINT_ENV_OVERRIDE: '1' } });
  assert.equal(e.stdout, 'FROM_ENV=from-file\n', e.stderr);
});

test('${VAR} expands against earlier keys, earlier files and the environment', () => {
  const s = scratch();
  const a = s.file('a.env', 'HOST=db\n');
  const b = s.file('b.env', [
    'URL=postgres://${HOST}:${PORT}/app',
    'PORT=5432',
    'HOMEDIR=${FROM_ENV}/x',
    'DEF=${NOT_SET:-fallback}',
    "LIT='${HOST}'",
    'ESC=\\${HOST}',
    'MISSING=[${NOT_SET}]',
    'DOLLAR=pa$$word',
  ].join('\n'));
  const r = run([...s.cacheArgs, '--env-file', a, '--env-file', b, ...show('URL', 'HOMEDIR', 'DEF', 'LIT', 'ESC', 'MISSING', 'DOLLAR')], { env: { FROM_ENV: '/e' } });
  assert.equal(r.code, 0, r.stderr);
  // PORT is defined after URL: only earlier keys count, as when a shell reads the file.
  assert.equal(r.stdout, 'URL=postgres://db:/app\nHOMEDIR=/e/x\nDEF=fallback\nLIT=${HOST}\nESC=${HOST}\nMISSING=[]\nDOLLAR=pa$$word\n');
  assert.match(r.stderr, /warning: env file .*b\.env: URL refers to \$\{PORT\}, which is not set/);
  assert.match(r.stderr, /MISSING refers to \$\{NOT_SET\}/);
});

test('.env values reach the variables too', () => {
  const s = scratch();
  const a = s.file('a.env', 'GREETING=hello\n');
  s.file('hooks/dump.ts', `import { writeFileSync } from 'node:fs';
export function prehook(vars: Record<string, unknown>) { writeFileSync(${JSON.stringify(s.path('vars.json'))}, String(vars.GREETING)); }
`, 0o644);
  const r = run([...s.cacheArgs, '--env-file', a, '-H', s.path('hooks'), '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(s.path('vars.json'), 'utf8'), 'hello');
});

// Node 20 scans its whole argv for --env-file and fails with its own message (exit 9) before our
// code runs; the installed bin must stop that (node -- script).
test('a missing or directory .env is our error through the installed bin, not Node\'s', () => {
  const s = scratch();
  mkdirSync(s.path('dir.env'));
  for (const args of [['--env-file', s.path('dir.env')], [`--env-file=${s.path('missing.env')}`]]) {
    const r = run([...s.cacheArgs, ...args, '--', 'sh', '-c', 'echo started']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /^node:|not found/m);
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, args[0] === '--env-file' ? /env file .*dir\.env: is a directory, not a file$/ : /env file .*missing\.env: no such file$/);
  }
});

test('a .env that others can write is refused', () => {
  const s = scratch();
  const ww = s.file('ww.env', 'A=1\n', 0o666);
  const r = run([...s.cacheArgs, '--env-file', ww, '--', 'sh', '-c', 'echo started']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /error: env file .*ww\.env: is world-writable \(mode 0666\)/);
});

test('as root, a group-writable .env or one owned by another user is refused', { skip: !IS_ROOT }, () => {
  const s = scratch();
  const gw = s.file('gw.env', 'A=1\n', 0o620);
  let r = run([...s.cacheArgs, '--env-file', gw, '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: env file .*gw\.env: is group-writable/);
  const other = s.file('other.env', 'A=1\n', 0o600);
  chownSync(other, 4242, 4242);
  r = run([...s.cacheArgs, '--env-file', other, '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: env file .*other\.env: is owned by uid 4242, not root/);
});

test('.env values are masked in the log', () => {
  const s = scratch();
  const a = s.file('a.env', 'DB_PASSWORD=hunter2-very-secret\n');
  s.file('hooks/log.ts', `export function prehook(vars: Record<string, unknown>, ctx: any) { ctx.log.warn('password is ' + vars.DB_PASSWORD); }\n`, 0o644);
  const r = run([...s.cacheArgs, '--env-file', a, '-H', s.path('hooks'), '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /password is \*\*\*/);
  assert.doesNotMatch(r.stderr, /hunter2/);
});
