/**
 * Where options come from besides the command line, black-box: ENTRYPOINT_<OPTION> variables
 * and the YAML config file (--config FILE, ENTRYPOINT_CONFIG, or /etc/entrypoint/config.yml
 * when it exists). Precedence: command line > environment > config file > default.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRYPOINT, IS_ROOT, ROOT, hasCommand, run } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'pid1-sources-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The probe plugin reports the value of its option `probe-greeting` (default: 'default').
mkdirSync(join(dir, 'node_modules', 'pid1-plugin-probe'), { recursive: true });
copyFileSync(join(ROOT, 'test', 'fixtures', 'plugins', 'probe.js'), join(dir, 'node_modules', 'pid1-plugin-probe', 'index.js'));

let files = 0;
function config(text: string): string {
  const path = join(dir, `config-${++files}.yml`);
  writeFileSync(path, text);
  return path;
}

const PRINT_PROBE = ['sh', '-c', 'printf "%s" "$PROBE"'];
function greeting(args: string[], env: Record<string, string> = {}): string {
  const r = run(['--plugin', 'probe', ...args, '--', ...PRINT_PROBE], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).greeting;
}

/** Exit 2, one error line matching `reason`, and the command did not run. */
function rejects(args: string[], reason: RegExp, env: Record<string, string> = {}): void {
  const mark = join(dir, `ran-${++files}`);
  const r = run([...args, '--', 'sh', '-c', `touch ${mark}`], { cwd: dir, env });
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, reason);
  assert.ok(!existsSync(mark), 'the command must not start');
}

describe('a config file PID 1 would not trust', () => {
  test('world-writable, or (as root) not root\'s: refused before anything runs', () => {
    const open = config('grace: 1\n');
    chmodSync(open, 0o666);
    rejects(['--config', open], /config file \S+: is world-writable \(mode 0666\); run chmod o-w on it/);
    if (IS_ROOT) {
      const foreign = config('grace: 1\n');
      chownSync(foreign, 4242, 4242);
      rejects(['--config', foreign], /config file \S+: is owned by uid 4242, not root/);
    }
  });
});

describe('precedence', () => {
  test('a value: command line > environment > config file > default', () => {
    const file = config('probe-greeting: from-file\n');
    const env = { ENTRYPOINT_PROBE_GREETING: 'from-env' };
    assert.equal(greeting([]), 'default');
    assert.equal(greeting(['--config', file]), 'from-file');
    assert.equal(greeting(['--config', file], env), 'from-env');
    assert.equal(greeting(['--config', file, '--probe-greeting', 'from-cli'], env), 'from-cli');
  });

  test('a flag: the environment can switch off what the file switched on; the command line wins', () => {
    const file = config('verbose: true\n');
    const debug = (args: string[], env: Record<string, string> = {}) => /child spawned/.test(run([...args, '--', 'true'], { env }).stderr);
    assert.equal(debug(['--config', file]), true);
    assert.equal(debug(['--config', file], { ENTRYPOINT_VERBOSE: '0' }), false);
    assert.equal(debug(['--config', file, '-v'], { ENTRYPOINT_VERBOSE: 'false' }), true);
    assert.equal(debug([], { ENTRYPOINT_VERBOSE: 'yes' }), true);
  });

  test('a list: a higher source replaces the whole list', () => {
    const file = config('remap-exit: [3]\n');
    const code = (args: string[], env: Record<string, string> = {}) => run([...args, '--', 'sh', '-c', 'exit 3'], { env }).code;
    assert.equal(code([]), 3);
    assert.equal(code(['--config', file]), 0);
    assert.equal(code(['--config', file], { ENTRYPOINT_REMAP_EXIT: '4,5' }), 3);
    assert.equal(code(['--remap-exit', '4'], { ENTRYPOINT_REMAP_EXIT: '3' }), 3);
    assert.equal(code([], { ENTRYPOINT_REMAP_EXIT: '4, 3' }), 0);
  });

  test('ENTRYPOINT_CONFIG names the file; --config beats it', () => {
    const a = config('probe-greeting: a\n');
    const b = config('probe-greeting: b\n');
    assert.equal(greeting([], { ENTRYPOINT_CONFIG: a }), 'a');
    assert.equal(greeting(['--config', b], { ENTRYPOINT_CONFIG: a }), 'b');
  });

  test('an empty config file sets nothing', () => {
    assert.equal(greeting(['--config', config('')]), 'default');
    assert.equal(greeting(['--config', config('# only a comment\n')]), 'default');
  });
});

describe('bad config files: exit 2 naming the file (and key, or line:col)', () => {
  test('unknown keys, and keys that are not options of a file', () => {
    const file = config('grace: 3\nbogus: 1\n');
    rejects(['--config', file], new RegExp(`config file ${file}: unknown key 'bogus'`));
    for (const key of ['config', 'help', 'version', 'compat']) rejects(['--config', config(`${key}: x\n`)], new RegExp(`unknown key '${key}'`));
  });

  test('bad YAML gives file:line:col', () => {
    const file = config('grace: 3\nverbose: [\n');
    rejects(['--config', file], new RegExp(`config file ${file}:3:1: `));
    const dup = config('grace: 1\ngrace: 2\n');
    rejects(['--config', dup], new RegExp(`config file ${dup}:2:1: duplicated mapping key`));
  });

  test('bad values and wrong types name the key', () => {
    rejects(['--config', config('grace: abc\n')], /key 'grace': expected a number of seconds >= 0, got 'abc'/);
    rejects(['--config', config('verbose: yes\n')], /key 'verbose': expected true or false/);
    rejects(['--config', config('grace: {a: 1}\n')], /key 'grace': expected a string or number/);
    rejects(['--config', config('rewrite: [term:quit, int]\n')], /key 'rewrite': expected SRC:DST .*got 'int'/);
    rejects(['--config', config('- grace\n')], /must be a mapping of option names to values/);
  });

  test('a missing or unreadable --config file', () => {
    rejects(['--config', join(dir, 'nope.yml')], /config file .*nope\.yml: no such file/);
    rejects(['--config', dir], /is a directory, not a file/);
    rejects([], /config file .*nope\.yml: no such file/, { ENTRYPOINT_CONFIG: join(dir, 'nope.yml') });
  });
});

describe('the default config file /etc/entrypoint/config.yml', { skip: !IS_ROOT || !hasCommand('unshare') ? 'needs root and unshare' : false }, () => {
  // Seen through a bind mount in a private mount namespace, so nothing else on the machine
  // sees a config file. The mount point directory is created if missing and removed after.
  const etcDir = '/etc/entrypoint';
  const created = !existsSync(etcDir);
  if (created) mkdirSync(etcDir);
  after(() => {
    if (created && existsSync(etcDir) && readdirSync(etcDir).length === 0) rmdirSync(etcDir);
  });
  const withDefault = (yaml: string, args: string[]) => {
    const cfg = mkdtempSync(join(dir, 'etc-'));
    writeFileSync(join(cfg, 'config.yml'), yaml);
    const script = 'mount --bind "$1" /etc/entrypoint && shift && exec "$@"';
    return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', cfg, ENTRYPOINT, ...args], { encoding: 'utf8', input: '' });
  };

  test('is read when it exists, below the environment', () => {
    const r = withDefault('remap-exit: [3]\n', ['--', 'sh', '-c', 'exit 3']);
    assert.equal(r.status, 0, r.stderr);
    const env = withDefault('remap-exit: [3]\n', ['--remap-exit', '4', '--', 'sh', '-c', 'exit 3']);
    assert.equal(env.status, 3);
  });

  test('a bad key in it is an error naming it', () => {
    const r = withDefault('nonsense: 1\n', ['--', 'true']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^\[entrypoint\] error: config file \/etc\/entrypoint\/config\.yml: unknown key 'nonsense'/);
  });

  test('is not needed: without it the defaults apply', () => {
    assert.equal(existsSync('/etc/entrypoint/config.yml'), false);
    assert.equal(run(['--', 'sh', '-c', 'exit 3']).code, 3);
  });
});
