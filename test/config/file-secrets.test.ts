import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IS_ROOT, run } from '../helpers/cli';
import { errorLines, readJson, scratch } from './fixture';

test('NAME_FILE sets NAME from the file (one trailing newline stripped) and is removed', () => {
  const s = scratch();
  const secret = s.file('run/secrets/db', 'line1\nline2\n\n');
  s.file('hooks/dump.ts', `import { writeFileSync } from 'node:fs';
export function posthook(vars: Record<string, unknown>) { writeFileSync(${JSON.stringify(s.path('vars.json'))}, JSON.stringify(vars)); }
`, 0o644);
  const r = run([...s.cacheArgs, '-H', s.path('hooks'), '--', 'sh', '-c', 'printf "%s|" "$DB_PASSWORD" "${DB_PASSWORD_FILE-unset}"'], {
    env: { DB_PASSWORD_FILE: secret },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'line1\nline2\n|unset|');
  const vars = readJson(s.path('vars.json'));
  assert.equal(vars.DB_PASSWORD, 'line1\nline2\n');
  assert.equal('DB_PASSWORD_FILE' in vars, false);
});

test('a .env file may name the secret file', () => {
  const s = scratch();
  const secret = s.file('token', 'abcd-token\n');
  const envFile = s.file('a.env', `API_TOKEN_FILE=${secret}\n`);
  const r = run([...s.cacheArgs, '--env-file', envFile, '--', 'sh', '-c', 'echo "$API_TOKEN"']);
  assert.equal(r.stdout, 'abcd-token\n', r.stderr);
});

test('NAME and NAME_FILE both set is an error naming both', () => {
  const s = scratch();
  const secret = s.file('pw', 'x');
  const r = run([...s.cacheArgs, '--', 'sh', '-c', 'echo started'], { env: { PW: 'direct', PW_FILE: secret } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errorLines(r.stderr), ['[entrypoint] error: both PW and PW_FILE are set; set only one of them']);
});

test('an unreadable secret file is an error naming the variable and the path', () => {
  const s = scratch();
  const missing = s.path('nope');
  let r = run([...s.cacheArgs, '--', 'sh', '-c', 'echo started'], { env: { PW_FILE: missing } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: PW_FILE=${missing}: cannot read the secret: no such file`]);
  r = run([...s.cacheArgs, '--', 'true'], { env: { PW_FILE: s.dir } });
  assert.match(r.stderr, /error: PW_FILE=.*: cannot read the secret: is a directory/);
});

test('as non-root, a secret file without read permission is refused', { skip: IS_ROOT ? 'root reads every file' : false }, () => {
  const s = scratch();
  const secret = s.file('pw', 'x', 0o000);
  const r = run([...s.cacheArgs, '--', 'true'], { env: { PW_FILE: secret } });
  assert.match(r.stderr, /cannot read the secret: permission denied/);
});

test('secret values are masked in the log; well-known path variables and --no-file-secrets are left alone', () => {
  const s = scratch();
  const secret = s.file('pw', 'correct-horse-battery\n');
  s.file('hooks/log.ts', `export function prehook(vars: Record<string, unknown>, ctx: any) { ctx.log.warn('pw=' + vars.PW); }\n`, 0o644);
  let r = run([...s.cacheArgs, '-H', s.path('hooks'), '--', 'sh', '-c', 'echo "$SSL_CERT_FILE"'], { env: { PW_FILE: secret, SSL_CERT_FILE: secret } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /pw=\*\*\*/);
  assert.doesNotMatch(r.stderr, /correct-horse/);
  assert.equal(r.stdout, `${secret}\n`);
  r = run([...s.cacheArgs, '--no-file-secrets', '--', 'sh', '-c', 'echo "${PW-unset} $PW_FILE"'], { env: { PW_FILE: secret } });
  assert.equal(r.stdout, `unset ${secret}\n`, r.stderr);
});
